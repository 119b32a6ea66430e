#!/usr/bin/env bash
# The DSDT the build compiled (src/bios/acpi/dsdt.asl) disassembles with
# iasl -d, and what comes back names what an OS looks for: \_S5, the PCI host
# bridge with its _CRS and _PRT, the legacy devices.
# Usage: dsdt_disassemble.sh DSDT.aml
set -u
aml=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$aml" "$tmp/dsdt.aml"
if ! (cd "$tmp" && iasl -vs -d dsdt.aml >"$tmp/out" 2>&1); then
  echo "FAIL: iasl -d could not disassemble $aml:"
  cat "$tmp/out"
  exit 1
fi
fail=0
for want in 'DefinitionBlock \("", "DSDT", 2, "PXOS", "PXOSPC"' 'Name \(_S5, Package' 'EisaId \("PNP0A03"\)' \
  'Name \(_PRT, Package' 'EisaId \("PNP0303"\)' 'EisaId \("PNP0F13"\)' 'EisaId \("PNP0501"\)' 'EisaId \("PNP0B00"\)' \
  'EisaId \("PNP0100"\)' 'EisaId \("PNP0000"\)' 'EisaId \("PNP0C02"\)' '0x001FFFFF'; do
  if grep -qE "$want" "$tmp/dsdt.dsl"; then echo "ok: $want"; else echo "FAIL: no line matching '$want'"; fail=1; fi
done
exit $fail

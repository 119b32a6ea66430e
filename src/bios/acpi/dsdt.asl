/*
 * The DSDT of the pxOS PC, compiled at build time by iasl (Debian's
 * acpica-tools) and copied by the BIOS into its ACPI tables at POST
 * (src/bios/acpi_tables.cpp). The fixed hardware it goes with (the PM
 * registers, the SCI on IRQ 9, the reset register) is in the FADT, which the
 * BIOS builds; this table names what an OS cannot find by itself:
 *
 *   \_S0, \_S5    the sleep types of the PM device (src/devices/acpi_pm.h):
 *                 SLP_TYP 5 is "working", 0 is "soft off" (as on Intel's
 *                 PIIX4). No S1-S4: the machine cannot sleep.
 *   \_SB.PCI0     the PCI host bridge: bus 0-FFh, configuration mechanism #1
 *                 at CF8h-CFFh, the I/O and memory windows the BIOS's PCI code
 *                 assigns from (I/O 0000h-0CF7h and 0D00h-FFFFh; memory
 *                 A0000h-BFFFFh and E0000000h-FEBFFFFFh), and _PRT, the
 *                 routing of PCI interrupts: pin P (0 = INTA# .. 3 = INTD#) of
 *                 device D goes to PIRQ[(D + P) mod 4], and the BIOS steers
 *                 PIRQA and PIRQB to IRQ 10, PIRQC and PIRQD to IRQ 11
 *                 (level-triggered, active low). The entries name the IRQs
 *                 directly (fixed GSIs, no PNP0C0F link devices): the routing
 *                 never changes. Devices 2-31; 0 is the host bridge, 1 the
 *                 ISA bridge.
 *   \_SB.PCI0.ISA the ISA bridge (device 1) and the legacy devices behind it:
 *                 the PIC, the PIT, the RTC, the keyboard controller and its
 *                 mouse, COM1 and COM2, and the PM registers as motherboard
 *                 resources (PNP0C02) so that nothing else is put there.
 */
DefinitionBlock ("", "DSDT", 2, "PXOS", "PXOSPC", 1)
{
    Name (_S0, Package (4) {5, 5, Zero, Zero})
    Name (_S5, Package (4) {Zero, Zero, Zero, Zero})

    Scope (_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_UID, Zero)
            Name (_BBN, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0000, 0x00FF, 0x0000, 0x0100)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
                    0x00000000, 0xE0000000, 0xFEBFFFFF, 0x00000000, 0x1EC00000)
            })
            // {address: device << 16 | FFFFh, pin, source (none: a GSI), GSI}
            Name (_PRT, Package ()
            {
            Package () {0x0002FFFF, 0, Zero, 11}, Package () {0x0002FFFF, 1, Zero, 11},
            Package () {0x0002FFFF, 2, Zero, 10}, Package () {0x0002FFFF, 3, Zero, 10},
            Package () {0x0003FFFF, 0, Zero, 11}, Package () {0x0003FFFF, 1, Zero, 10},
            Package () {0x0003FFFF, 2, Zero, 10}, Package () {0x0003FFFF, 3, Zero, 11},
            Package () {0x0004FFFF, 0, Zero, 10}, Package () {0x0004FFFF, 1, Zero, 10},
            Package () {0x0004FFFF, 2, Zero, 11}, Package () {0x0004FFFF, 3, Zero, 11},
            Package () {0x0005FFFF, 0, Zero, 10}, Package () {0x0005FFFF, 1, Zero, 11},
            Package () {0x0005FFFF, 2, Zero, 11}, Package () {0x0005FFFF, 3, Zero, 10},
            Package () {0x0006FFFF, 0, Zero, 11}, Package () {0x0006FFFF, 1, Zero, 11},
            Package () {0x0006FFFF, 2, Zero, 10}, Package () {0x0006FFFF, 3, Zero, 10},
            Package () {0x0007FFFF, 0, Zero, 11}, Package () {0x0007FFFF, 1, Zero, 10},
            Package () {0x0007FFFF, 2, Zero, 10}, Package () {0x0007FFFF, 3, Zero, 11},
            Package () {0x0008FFFF, 0, Zero, 10}, Package () {0x0008FFFF, 1, Zero, 10},
            Package () {0x0008FFFF, 2, Zero, 11}, Package () {0x0008FFFF, 3, Zero, 11},
            Package () {0x0009FFFF, 0, Zero, 10}, Package () {0x0009FFFF, 1, Zero, 11},
            Package () {0x0009FFFF, 2, Zero, 11}, Package () {0x0009FFFF, 3, Zero, 10},
            Package () {0x000AFFFF, 0, Zero, 11}, Package () {0x000AFFFF, 1, Zero, 11},
            Package () {0x000AFFFF, 2, Zero, 10}, Package () {0x000AFFFF, 3, Zero, 10},
            Package () {0x000BFFFF, 0, Zero, 11}, Package () {0x000BFFFF, 1, Zero, 10},
            Package () {0x000BFFFF, 2, Zero, 10}, Package () {0x000BFFFF, 3, Zero, 11},
            Package () {0x000CFFFF, 0, Zero, 10}, Package () {0x000CFFFF, 1, Zero, 10},
            Package () {0x000CFFFF, 2, Zero, 11}, Package () {0x000CFFFF, 3, Zero, 11},
            Package () {0x000DFFFF, 0, Zero, 10}, Package () {0x000DFFFF, 1, Zero, 11},
            Package () {0x000DFFFF, 2, Zero, 11}, Package () {0x000DFFFF, 3, Zero, 10},
            Package () {0x000EFFFF, 0, Zero, 11}, Package () {0x000EFFFF, 1, Zero, 11},
            Package () {0x000EFFFF, 2, Zero, 10}, Package () {0x000EFFFF, 3, Zero, 10},
            Package () {0x000FFFFF, 0, Zero, 11}, Package () {0x000FFFFF, 1, Zero, 10},
            Package () {0x000FFFFF, 2, Zero, 10}, Package () {0x000FFFFF, 3, Zero, 11},
            Package () {0x0010FFFF, 0, Zero, 10}, Package () {0x0010FFFF, 1, Zero, 10},
            Package () {0x0010FFFF, 2, Zero, 11}, Package () {0x0010FFFF, 3, Zero, 11},
            Package () {0x0011FFFF, 0, Zero, 10}, Package () {0x0011FFFF, 1, Zero, 11},
            Package () {0x0011FFFF, 2, Zero, 11}, Package () {0x0011FFFF, 3, Zero, 10},
            Package () {0x0012FFFF, 0, Zero, 11}, Package () {0x0012FFFF, 1, Zero, 11},
            Package () {0x0012FFFF, 2, Zero, 10}, Package () {0x0012FFFF, 3, Zero, 10},
            Package () {0x0013FFFF, 0, Zero, 11}, Package () {0x0013FFFF, 1, Zero, 10},
            Package () {0x0013FFFF, 2, Zero, 10}, Package () {0x0013FFFF, 3, Zero, 11},
            Package () {0x0014FFFF, 0, Zero, 10}, Package () {0x0014FFFF, 1, Zero, 10},
            Package () {0x0014FFFF, 2, Zero, 11}, Package () {0x0014FFFF, 3, Zero, 11},
            Package () {0x0015FFFF, 0, Zero, 10}, Package () {0x0015FFFF, 1, Zero, 11},
            Package () {0x0015FFFF, 2, Zero, 11}, Package () {0x0015FFFF, 3, Zero, 10},
            Package () {0x0016FFFF, 0, Zero, 11}, Package () {0x0016FFFF, 1, Zero, 11},
            Package () {0x0016FFFF, 2, Zero, 10}, Package () {0x0016FFFF, 3, Zero, 10},
            Package () {0x0017FFFF, 0, Zero, 11}, Package () {0x0017FFFF, 1, Zero, 10},
            Package () {0x0017FFFF, 2, Zero, 10}, Package () {0x0017FFFF, 3, Zero, 11},
            Package () {0x0018FFFF, 0, Zero, 10}, Package () {0x0018FFFF, 1, Zero, 10},
            Package () {0x0018FFFF, 2, Zero, 11}, Package () {0x0018FFFF, 3, Zero, 11},
            Package () {0x0019FFFF, 0, Zero, 10}, Package () {0x0019FFFF, 1, Zero, 11},
            Package () {0x0019FFFF, 2, Zero, 11}, Package () {0x0019FFFF, 3, Zero, 10},
            Package () {0x001AFFFF, 0, Zero, 11}, Package () {0x001AFFFF, 1, Zero, 11},
            Package () {0x001AFFFF, 2, Zero, 10}, Package () {0x001AFFFF, 3, Zero, 10},
            Package () {0x001BFFFF, 0, Zero, 11}, Package () {0x001BFFFF, 1, Zero, 10},
            Package () {0x001BFFFF, 2, Zero, 10}, Package () {0x001BFFFF, 3, Zero, 11},
            Package () {0x001CFFFF, 0, Zero, 10}, Package () {0x001CFFFF, 1, Zero, 10},
            Package () {0x001CFFFF, 2, Zero, 11}, Package () {0x001CFFFF, 3, Zero, 11},
            Package () {0x001DFFFF, 0, Zero, 10}, Package () {0x001DFFFF, 1, Zero, 11},
            Package () {0x001DFFFF, 2, Zero, 11}, Package () {0x001DFFFF, 3, Zero, 10},
            Package () {0x001EFFFF, 0, Zero, 11}, Package () {0x001EFFFF, 1, Zero, 11},
            Package () {0x001EFFFF, 2, Zero, 10}, Package () {0x001EFFFF, 3, Zero, 10},
            Package () {0x001FFFFF, 0, Zero, 11}, Package () {0x001FFFFF, 1, Zero, 10},
            Package () {0x001FFFFF, 2, Zero, 10}, Package () {0x001FFFFF, 3, Zero, 11}
            })

            Device (ISA)
            {
                Name (_ADR, 0x00010000)

                Device (PIC)
                {
                    Name (_HID, EisaId ("PNP0000"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0020, 0x0020, 0x01, 0x02)
                        IO (Decode16, 0x00A0, 0x00A0, 0x01, 0x02)
                        IRQNoFlags () {2}
                    })
                }
                Device (TMR)
                {
                    Name (_HID, EisaId ("PNP0100"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0040, 0x0040, 0x01, 0x04)
                        IRQNoFlags () {0}
                    })
                }
                Device (RTC)
                {
                    Name (_HID, EisaId ("PNP0B00"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0070, 0x0070, 0x01, 0x02)
                        IRQNoFlags () {8}
                    })
                }
                Device (KBD)
                {
                    Name (_HID, EisaId ("PNP0303"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)
                        IO (Decode16, 0x0064, 0x0064, 0x01, 0x01)
                        IRQNoFlags () {1}
                    })
                }
                Device (MOU)
                {
                    Name (_HID, EisaId ("PNP0F13"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IRQNoFlags () {12}
                    })
                }
                Device (COM1)
                {
                    Name (_HID, EisaId ("PNP0501"))
                    Name (_UID, One)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
                        IRQNoFlags () {4}
                    })
                }
                Device (COM2)
                {
                    Name (_HID, EisaId ("PNP0501"))
                    Name (_UID, 0x02)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x02F8, 0x02F8, 0x01, 0x08)
                        IRQNoFlags () {3}
                    })
                }
                Device (PMIO)
                {
                    Name (_HID, EisaId ("PNP0C02"))
                    Name (_UID, One)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0600, 0x0600, 0x01, 0x10)
                    })
                }
            }
        }
    }
}

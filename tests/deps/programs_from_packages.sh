#!/usr/bin/env bash
# Every external program that the tests, scripts, benchmarks, the Makefile and
# the CMake files call, and every file from a Debian package that they or the
# C++ code read, must come from a package that scripts/deps.sh installs (its
# list, or a package that one of the listed ones depends on directly) or from
# an Essential or required package of Debian: then a package someone installed
# by hand cannot hide a gap on a fresh machine. Usage:
#   programs_from_packages.sh SOURCE_DIR [--trace]
# (--trace prints every command word the scanner found, and checks nothing.)
# Programs are looked up on Debian's own PATH (/usr/sbin:/usr/bin:/sbin:/bin),
# owners with dpkg -S. A program that is not installed fails the check, except
# in a benchmark (bench/) that checks for it itself (`command -v`): the
# benchmarks' baselines are optional (scripts/deps.sh --bench installs them).
#
# The program names come from a conservative scanner of shell code (command
# words at the start of a line, after | || && ; & ( $( ` and the keywords,
# behind timeout/nice/env/time/exec, `command -v X`, and the list of a
# `for V in LIST; do command -v $V` loop), of the Makefile's recipes and of the
# CMake files (COMMAND, find_program). It skips builtins, functions, variables,
# the project's own scripts and build outputs, heredoc bodies and quoted text.
# Only Essential programs and the script's own are used here.
set -u
set -f
src=${1:?usage: programs_from_packages.sh SOURCE_DIR}
src=$(cd "$src" && pwd) || exit 2
export LC_ALL=C
PATH=/usr/sbin:/usr/bin:/sbin:/bin
if ! command -v dpkg-query >/dev/null; then
  echo "SKIPPED: dpkg-query is missing: not a Debian host, the package check cannot run here"
  exit 77
fi

# What the C++ code runs (file: programs). A source file that calls popen,
# system, exec* or posix_spawn must be listed here.
declare -A cpp_runs=()
# Programs that no script names but the build runs: CMake's default
# compilers, and Ninja for the Makefile's `cmake -G Ninja`.
implicit=(g++ gcc ninja)
# Files from packages that the tests and the C++ code read: path, who reads it.
data_files=(
  "/usr/lib/syslinux/mbr/mbr.bin|tests/guest/make_images.sh tests/linux/extlinux.sh"
  "/usr/share/consolefonts/Uni2-VGA16.psf.gz|src/frontend/font.cpp (the BIOS fonts, --screenshot)"
  "/usr/share/consolefonts/Uni2-VGA14.psf.gz|src/frontend/font.cpp (the BIOS fonts)"
  "/usr/share/consolefonts/Uni2-VGA8.psf.gz|src/frontend/font.cpp (the BIOS fonts)"
  "/usr/share/bochs/BIOS-bochs-latest|tests/guest/bochs.sh"
  "/usr/share/bochs/VGABIOS-lgpl-latest|tests/guest/bochs.sh bench/cpu_compare.sh"
  "/usr/share/keyrings/debian-archive-keyring.gpg|scripts/debian_image.sh (debootstrap --keyring)"
  "/usr/share/vulkan/icd.d/lvp_icd.$(uname -m).json|Mesa's lavapipe: the Vulkan backend's tests (pxi, pixel)"
)
# Paths that appear in the code only as fallbacks or probes of another one.
optional_files=(
  /usr/share/seabios/bios.bin                        # bochs.sh, when bochsbios is missing
  /usr/share/seabios/vgabios-isavga.bin              # bochs.sh, cpu_compare.sh: tried first or instead
  /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_nogui  # cpu_compare.sh: which Bochs display to use
)
# Benchmark programs that no Debian package provides.
declare -A outside_debian=(
  [nvidia-smi]="the NVIDIA driver, on GPU machines (bench/pixel_device_gpu.sh, pxi_cuda_check.sh)"
)

# ---- the scanner ------------------------------------------------------------
# found: "ORIGIN<TAB>PROGRAM<TAB>GUARDED" (ORIGIN is FILE:LINE).
fail=0
found=()
declare -A functions=()
file='' lineno=0 for_var='' for_list=''
words=() cur='' redir=0 in_test=0 in_pattern=0
stack=() depth=() saved=()
pending=()

record() {  # PROGRAM GUARDED
  [ -n "$1" ] && found+=("$file${lineno:+:$lineno}"$'\t'"$1"$'\t'"$2")
}
guard() {  # the argument of `command -v`: in `for V in LIST; do command -v $V`, LIST
  local w=$1 v
  if [[ -n $for_var && ($w == "\$$for_var" || $w == '$') ]]; then
    for v in $for_list; do record "$v" 1; done
  else
    record "$w" 1
  fi
}

# The words of one simple command: records its program.
analyse() {
  local n=${#words[@]} i=0 w
  while ((i < n)); do
    w=${words[i]}
    if [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
      [[ $w =~ ^(CC|CXX)=([A-Za-z0-9_.+-]+)$ ]] && record "${BASH_REMATCH[2]}" 0
      ((i++))
      continue
    fi
    case $w in
      '!' | if | then | elif | else | do | while | until | '{' | '}' | time | exec) ((i++)); continue ;;
      for) for_var=${words[i + 1]:-} for_list=${words[*]:i+3}; return ;;
      case | select | function | fi | done | 'esac' | in) return ;;
      trap) pending+=("$lineno:${words[i + 1]:-}"); return ;;
      command)
        if [[ ${words[i + 1]:-} == -[vV] ]]; then guard "${words[i + 2]:-}"; return; fi
        ((i++))
        continue ;;
      timeout | nice | env)
        record "$w" 0
        ((i++))
        while [[ ${words[i]:-} == -* || ${words[i]:-} == *=* ]]; do
          [[ ${words[i]} == -[ksn] ]] && ((i++))
          ((i++))
        done
        [ "$w" = timeout ] && ((i++))  # the duration
        continue ;;
      /usr/bin/time)
        record "$w" 0
        ((i++))
        while [[ ${words[i]:-} == -* ]]; do
          [[ ${words[i]} == -[of] ]] && ((i++))
          ((i++))
        done
        continue ;;
    esac
    record "$w" 0
    return
  done
}

endword() {
  if [ -n "$cur" ]; then
    if [ "$redir" = 1 ]; then
      redir=0
    elif [ "$cur" = in ] && [ "${words[0]:-}" = case ]; then
      words=() in_pattern=1  # case WORD in: patterns follow
    elif [ "$in_pattern" = 1 ] && [ "$cur" = 'esac' ] && [ ${#words[@]} = 0 ]; then
      in_pattern=0
    else
      [ "$cur" = '[[' ] && in_test=1
      [ "$cur" = ']]' ] && in_test=0
      words+=("$cur")
    fi
  fi
  cur=''
}
endcmd() {
  endword
  ((${#words[@]})) && analyse
  words=() redir=0
}
push() {  # FRAME [DEPTH]
  stack+=("$1")
  depth+=("${2:-0}")
}
pop() {
  unset 'stack[-1]' 'depth[-1]'
}
push_code() {  # FRAME (c or b): a command substitution or subshell
  local IFS=$'\x1f'
  saved+=("${words[*]}"$'\x1e'"$cur"$'\x1e'"$redir $in_test $in_pattern")
  words=() cur='' redir=0 in_test=0 in_pattern=0
  push "$1"
}
pop_code() {
  endcmd
  local s=${saved[-1]}
  unset 'saved[-1]'
  IFS=$'\x1f' read -r -a words <<<"${s%%$'\x1e'*}"
  s=${s#*$'\x1e'}
  cur=${s%%$'\x1e'*} s=${s#*$'\x1e'}
  read -r redir in_test in_pattern <<<"$s"
  pop
}

# $ at $i of $line.
dollar() {
  local nx=${line:i+1:1} top=${stack[-1]}
  case $nx in
    '(')
      cur+='$'
      if [ "${line:i+2:1}" = '(' ]; then push a 2; ((i += 3)); else push_code c; ((i += 2)); fi ;;
    '{') cur+='$'; push p 1; ((i += 2)) ;;
    "'") if [[ $top == [cb] ]]; then push e; ((i += 2)); else cur+='$'; ((i++)); fi ;;
    *) cur+='$'; ((i++)) ;;
  esac
}

re_code='^[^[:space:]"'"'"'\$`()|&;<>#]+'
re_dq='^[^"\$`]+'
re_sq="^[^']+"
re_ansi="^[^'\\]+"
re_param='^[^{}"'"'"'\$\]+'
re_arith='^[^()$]+'
re_array='^[^()"'"'"'\$\#]+'

# One character (or run) of code at $i.
step_code() {
  local ch=${line:i:1} nx=${line:i+1:1} top=${stack[-1]}
  if [[ ${line:i} =~ $re_code ]]; then
    cur+=${BASH_REMATCH[0]}
    ((i += ${#BASH_REMATCH[0]}))
    return
  fi
  # Inside [[ ]] these are operators of the test; in a case pattern, | and ) are its own.
  if { [ "$in_test" = 1 ] && [[ $ch == [\(\)\|\&\<\>] ]]; } || { [ "$in_pattern" = 1 ] && [ "$ch" = '|' ]; }; then
    cur+=$ch
    ((i++))
    return
  fi
  if [ "$in_pattern" = 1 ] && [ "$ch" = ')' ]; then
    cur='' words=() in_pattern=0
    ((i++))
    return
  fi
  case $ch in
    [[:space:]]) endword; ((i++)) ;;
    ';')
      endcmd
      ((i++))
      if [ "$nx" = ';' ] || [ "$nx" = '&' ]; then  # ;; ;& ;;&: the next pattern
        in_pattern=1
        ((i++))
        [ "${line:i:1}" = '&' ] && ((i++))
      fi ;;
    '|') endcmd; ((i++)) ;;
    '&')
      if [ "$nx" = '>' ]; then
        endword; redir=1; ((i += 2))
      else
        endcmd; ((i++))
      fi ;;
    '<' | '>')
      if [ "$nx" = '(' ]; then
        endword; cur='$'; redir=1; push_code c; ((i += 2))
      else
        [[ $cur =~ ^[0-9]*$ ]] && cur=''
        endword
        ((i++))
        while [[ ${line:i:1} == [\<\>\&\|-] ]]; do ((i++)); done
        redir=1
      fi ;;
    '"') push d; ((i++)) ;;
    "'") push s; ((i++)) ;;
    \\) cur+=$nx; ((i += 2)) ;;
    '$') dollar ;;
    '`')
      if [ "$top" = b ]; then pop_code; else cur+='$'; push_code b; fi
      ((i++)) ;;
    '(')
      if [ "$nx" = ')' ]; then  # NAME() { ...: a function definition
        endcmd; ((i += 2))
      elif [ "$nx" = '(' ]; then
        cur+='$'; push a 2; ((i += 2))
      elif [[ $cur == *= ]]; then
        push r 1; ((i++))
      else
        endcmd; push_code c; ((i++))
      fi ;;
    ')')
      if ((${#stack[@]} > 1)) && [ "$top" = c ]; then
        pop_code
      else
        cur='' words=()  # a case pattern
      fi
      ((i++)) ;;
    '#')
      if [ -z "$cur" ]; then i=${#line}; else cur+='#'; ((i++)); fi ;;
    *) cur+=$ch; ((i++)) ;;
  esac
}

# One character (or run) inside quotes, ${...}, $((...)) or an array literal.
step_other() {
  local ch=${line:i:1} nx=${line:i+1:1} top=${stack[-1]} re
  case $top in
    d) re=$re_dq ;; s) re=$re_sq ;; e) re=$re_ansi ;;
    p) re=$re_param ;; a) re=$re_arith ;; r) re=$re_array ;;
  esac
  if [[ ${line:i} =~ $re ]]; then
    [[ $top == [dse] ]] && cur+=${BASH_REMATCH[0]}
    ((i += ${#BASH_REMATCH[0]}))
    return
  fi
  case $top$ch in
    d'"' | s"'" | e"'") pop; ((i++)) ;;
    [dep]\\ | r\\) [[ $top == [de] ]] && cur+=$nx; ((i += 2)) ;;
    [dpar]'$') dollar ;;
    d'`') cur+='$'; push_code b; ((i++)) ;;
    [pr]'"') push d; ((i++)) ;;
    [pr]"'") push s; ((i++)) ;;
    r'#')  # a comment in a multi-line array, or a # inside a word
      if ((i == 0)) || [[ ${line:i-1:1} == [[:space:]] ]]; then i=${#line}; else ((i++)); fi ;;
    p'{' | a'(' | r'(') ((depth[-1]++)); ((i++)) ;;
    p'}' | a')' | r')')
      ((depth[-1]--))
      ((depth[-1] == 0)) && pop
      ((i++)) ;;
    *) ((i++)) ;;
  esac
}

# Scans the logical lines in $lines ("LINE:TEXT") of $file.
scan_lines() {
  local entry line i
  stack=(c) depth=(0) saved=() words=() cur='' redir=0 in_test=0 in_pattern=0 for_var='' for_list=''
  for entry in "${lines[@]}"; do
    lineno=${entry%%:*} line=${entry#*:} i=0
    while ((i < ${#line})); do
      if [[ ${stack[-1]} == [cb] ]]; then step_code; else step_other; fi
    done
    if [[ ${stack[-1]} == [cb] ]]; then endcmd; else [[ ${stack[-1]} == [dse] ]] && cur+=' '; fi
  done
  endcmd
  if ((${#stack[@]} != 1)); then  # an unclosed quote or ( would hide the rest of the file
    echo "FAIL  $file: an unclosed quote or bracket ('${stack[-1]}') at its last line, $lineno: the scanner cannot read it"
    fail=1
  fi
}

# Reads FILE into $lines: continuation lines joined, heredoc bodies left out.
read_shell() {
  local n=0 start=0 acc='' delim='' opened=0 text
  lines=()
  while IFS= read -r text || [ -n "$text" ]; do
    ((n++))
    if [ -n "$delim" ]; then
      [[ $text =~ ^[[:space:]]*"$delim"[[:space:]]*$ ]] && delim=''
      continue
    fi
    [ -z "$acc" ] && start=$n
    if [[ $text == *\\ ]]; then acc+="${text%\\} "; continue; fi
    acc+=$text
    lines+=("$start:$acc")
    # A heredoc (not in arithmetic, not in a comment): its body is no code.
    if [[ $acc =~ (^|[^\<])\<\<-?[[:space:]]*[\"\']?([A-Za-z_][A-Za-z0-9_]*) ]]; then
      delim=${BASH_REMATCH[2]} opened=$n
      [[ ${acc%%<<*} =~ \(\(|(^|[[:space:]])\# ]] && delim=''
    fi
    acc=''
  done <"$1"
  if [ -n "$delim" ]; then
    echo "FAIL  ${1#"$src"/}: the heredoc <<$delim of line $opened has no end: the scanner cannot read it"
    fail=1
  fi
}

# The Makefile's recipes (and $(shell ...)) as shell lines.
read_make() {
  local n=0 start=0 acc='' text
  lines=()
  while IFS= read -r text || [ -n "$text" ]; do
    ((n++))
    [ -z "$acc" ] && start=$n
    if [[ $text == *\\ ]]; then acc+="${text%\\} "; continue; fi
    acc+=$text
    text=$acc acc=''
    if [[ $text == $'\t'* ]]; then
      text=${text#$'\t'}
      while [[ $text == [@+-]* ]]; do text=${text:1}; done
    elif [[ $text =~ \$\(shell\ ([^\)]*)\) ]]; then
      text=${BASH_REMATCH[1]}
    else
      continue
    fi
    text=${text//\$\$/$'\x01'}
    text=${text//\$(shell /$'\x02'}
    while [[ $text =~ \$[\(\{]([A-Za-z_][A-Za-z0-9_]*)[\)\}] ]]; do
      text=${text/"${BASH_REMATCH[0]}"/$'\x01'"${BASH_REMATCH[1]}"}
    done
    text=${text//$'\x02'/\$(}
    lines+=("$start:${text//$'\x01'/\$}")
  done <"$1"
}

scan_file() {  # RELATIVE-PATH KIND
  file=$1
  if [ "$2" = make ]; then read_make "$src/$file"; else read_shell "$src/$file"; fi
  local first=${lines[0]#*:}
  if [[ $first =~ ^\#!([^[:space:]]+)[[:space:]]*([^[:space:]]*) ]]; then
    lineno=1
    record "${BASH_REMATCH[1]}" 0
    [[ ${BASH_REMATCH[1]} == */env ]] && record "${BASH_REMATCH[2]}" 0
  fi
  pending=()
  scan_lines
  while ((${#pending[@]})); do  # the code of trap '...' handlers
    lines=("${pending[@]}")
    pending=()
    scan_lines
  done
}

# ---- what to scan -----------------------------------------------------------
cd "$src" || exit 2
shell_files=()
while IFS= read -r f; do
  f=${f#./}
  case $f in
    tests/fuzz/corpus/* | bench/results/*) continue ;;
    scripts/linux/*) continue ;;  # /init scripts: busybox runs them inside the guest
  esac
  if [[ $f == *.sh ]] || head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh\b'; then shell_files+=("$f"); fi
done < <(find ./tests ./scripts ./bench ./.ci -type f 2>/dev/null | sort)
cmake_files=()
while IFS= read -r f; do cmake_files+=("${f#./}"); done < <({
  echo ./CMakeLists.txt
  find ./src ./tests ./cmake \( -name CMakeLists.txt -o -name '*.cmake' \) -type f
} | sort)

for f in "${shell_files[@]}"; do
  while IFS= read -r name; do functions[$name]=1; done < <(grep -oE \
    '^[[:space:]]*(function[[:space:]]+)?[A-Za-z_][A-Za-z0-9_-]*[[:space:]]*\(\)' "$f" |
    sed -E 's/^[[:space:]]*(function[[:space:]]+)?//; s/[[:space:]]*\(\)$//')
done
for f in "${shell_files[@]}"; do scan_file "$f" shell; done
[ -f Makefile ] && scan_file Makefile make

declare -A targets=()
for f in "${cmake_files[@]}"; do
  file=$f
  while IFS= read -r t; do targets[${t##*[[:space:](]}]=1; done < <(
    grep -hoE '(add_executable\(|OUTPUT_NAME)[[:space:]]*[A-Za-z0-9_.+-]+' "$f")
  while IFS=: read -r lineno w; do
    record "${w##*[[:space:]]}" 0  # COMMAND WORD
  done < <(grep -noE 'COMMAND[[:space:]]+[^[:space:])]+' "$f")
  while IFS=: read -r lineno w; do
    record "${w##*[[:space:]]}" 0  # find_program(VAR [NAMES] NAME
  done < <(grep -noE 'find_program\([[:space:]]*[A-Za-z0-9_]+[[:space:]]+(NAMES[[:space:]]+)?[A-Za-z0-9_.+-]+' "$f")
done
# A CMake COMMAND that names one of this project's targets runs a build output.
filtered=()
for e in "${found[@]}"; do
  IFS=$'\t' read -r origin w g <<<"$e"
  [[ $origin == *CMakeLists.txt:* || $origin == *.cmake:* ]] && [[ -n ${targets[$w]:-} ]] && continue
  filtered+=("$e")
done
found=("${filtered[@]}")

file="(the build)" lineno=
for w in "${implicit[@]}"; do record "$w" 0; done
for f in "${!cpp_runs[@]}"; do
  file=$f
  for w in ${cpp_runs[$f]}; do record "$w" 0; done
done

if [ "${2:-}" = --trace ]; then  # every command word found, before the filters below
  printf '%s\n' "${found[@]}"
  exit 0
fi

# ---- which names are programs -------------------------------------------------
declare -A builtin=()
for w in $(compgen -b) $(compgen -k); do builtin[$w]=1; done
declare -A origins=() guarded=() bench_only=()
for e in "${found[@]}"; do
  IFS=$'\t' read -r origin w g <<<"$e"
  case $w in *'$'* | '') continue ;; esac
  if [[ $w != /* ]]; then
    [[ $w == */* ]] && continue  # the project's own scripts and build outputs
    [[ $w =~ ^[A-Za-z_][A-Za-z0-9_.+-]*$ ]] || continue
    [[ -n ${builtin[$w]:-} || -n ${functions[$w]:-} ]] && continue
  fi
  origins[$w]+=" ${origin}"
  [ "$g" = 1 ] && guarded[$w]+=" ${origin%%:*}"
  if [[ $origin == bench/* ]]; then
    [[ -z ${bench_only[$w]+x} ]] && bench_only[$w]=1
  else
    bench_only[$w]=0
  fi
done

# ---- what deps.sh installs ------------------------------------------------------
mapfile -t listed < <(bash "$src/scripts/deps.sh" --list)
mapfile -t bench_listed < <(bash "$src/scripts/deps.sh" --list-bench)
if ((${#listed[@]} == 0)); then
  echo "FAIL: scripts/deps.sh --list printed no packages"
  exit 1
fi
declare -A allowed=() allowed_bench=()
for p in "${listed[@]}"; do allowed[$p]="scripts/deps.sh"; done
for p in "${bench_listed[@]}"; do allowed_bench[$p]="scripts/deps.sh --bench"; done
# Packages the listed ones depend on (Depends, Pre-Depends; not alternatives).
depends_of() {  # ARRAY-NAME: prints "package<TAB>dependency" lines
  local -n pkgs=$1
  ((${#pkgs[@]})) || return 0
  dpkg-query -W -f='${Package}\t${Depends}, ${Pre-Depends}\n' "${pkgs[@]}" 2>/dev/null |
    while IFS=$'\t' read -r p deps; do
      IFS=,
      for d in $deps; do
        [[ $d == *'|'* ]] && continue
        d=${d%%(*} d=${d// /} d=${d%%:*}
        [ -n "$d" ] && printf '%s\t%s\n' "$p" "$d"
      done
      unset IFS
    done
}
while IFS=$'\t' read -r p d; do
  [[ -z ${allowed[$d]:-} ]] && allowed[$d]="a dependency of $p (scripts/deps.sh)"
done < <(depends_of listed)
while IFS=$'\t' read -r p d; do
  [[ -z ${allowed_bench[$d]:-} ]] && allowed_bench[$d]="a dependency of $p (scripts/deps.sh --bench)"
done < <(depends_of bench_listed)

# ---- owners ---------------------------------------------------------------------
variants() {  # PATH: the path, its /usr-merged twin, the file it links to and that one's twin
  local p=$1 r
  r=$(readlink -f "$p" 2>/dev/null || true)
  for q in "$p" "$r"; do
    [ -z "$q" ] && continue
    echo "$q"
    if [[ $q == /usr/* ]]; then echo "${q#/usr}"; else echo "/usr$q"; fi
  done
}
declare -A path_of=()
candidates=()
for w in "${!origins[@]}"; do
  if [[ $w == /* ]]; then p=$w; [ -e "$p" ] || p=''; else p=$(command -v "$w" || true); fi
  path_of[$w]=$p
  [ -n "$p" ] && mapfile -t -O ${#candidates[@]} candidates < <(variants "$p")
done
for entry in "${data_files[@]}"; do
  p=${entry%%|*}
  [ -e "$p" ] && mapfile -t -O ${#candidates[@]} candidates < <(variants "$p")
done
declare -A owner=()
while IFS= read -r l; do
  [[ $l == diversion* || $l != *': '/* ]] && continue
  pkgs=${l%%: /*} p=/${l#*: /}
  owner[$p]=${pkgs%%,*}
  owner[$p]=${owner[$p]%%:*}
done < <(((${#candidates[@]})) && dpkg -S "${candidates[@]}" 2>/dev/null)

owner_of() {  # PATH: the package of the first variant dpkg knows
  local q
  while IFS= read -r q; do
    if [ -n "${owner[$q]:-}" ]; then echo "${owner[$q]}"; return; fi
  done < <(variants "$1")
}
# why PACKAGE BENCH(0/1): why it may be used, or nothing.
why() {
  local p=$1 f
  [ -n "${allowed[$p]:-}" ] && { echo "${allowed[$p]}"; return; }
  [ "$2" = 1 ] && [ -n "${allowed_bench[$p]:-}" ] && { echo "${allowed_bench[$p]}"; return; }
  f=$(dpkg-query -W -f='${Essential} ${Priority}' "$p" 2>/dev/null)
  case $f in
    yes\ *) echo "Essential" ;;
    *\ required) echo "priority required" ;;
  esac
}
where() {  # ORIGINS: the first three, and how many more
  # shellcheck disable=SC2086  # split on purpose (globbing is off)
  set -- $1
  local s="$1${2:+ $2}${3:+ $3}"
  (($# > 3)) && s+=" (+$(($# - 3)) more)"
  echo "$s"
}

# ---- the verdicts ---------------------------------------------------------------
n=0
while IFS= read -r w; do
  ((n++))
  p=${path_of[$w]} at=$(where "${origins[$w]}") b=${bench_only[$w]}
  if [ "$b" = 1 ] && [ -n "${outside_debian[$w]:-}" ]; then
    printf 'ok    %-22s %s\n' "$w" "from ${outside_debian[$w]}, not from Debian"
    continue
  fi
  if [ -z "$p" ]; then
    if [ "$b" = 1 ] && [ -n "${guarded[$w]:-}" ]; then
      printf 'ok    %-22s not installed: optional, checked by %s (scripts/deps.sh --bench)\n' "$w" \
        "$(where "${guarded[$w]}")"
    else
      printf 'FAIL  %-22s is not installed (not on %s); called by %s\n' "$w" "$PATH" "$at"
      fail=1
    fi
    continue
  fi
  pkg=$(owner_of "$p")
  if [ -z "$pkg" ]; then
    printf 'FAIL  %-22s %s belongs to no Debian package; called by %s\n' "$w" "$p" "$at"
    fail=1
    continue
  fi
  reason=$(why "$pkg" "$b")
  if [ -z "$reason" ]; then
    printf 'FAIL  %-22s from package %s, which scripts/deps.sh does not list (nor is it Essential or required);' "$w" "$pkg"
    printf ' called by %s\n' "$at"
    fail=1
  else
    printf 'ok    %-22s %-20s %-34s %s\n' "$w" "$pkg" "($reason)" "$at"
  fi
done < <(printf '%s\n' "${!origins[@]}" | sort)

# Files from packages (and, for a link, the file it points to).
check_file() {  # PATH READ-BY
  local pkg reason
  if [ ! -e "$1" ]; then
    printf 'FAIL  %s is missing; read by %s\n' "$1" "$2"
    fail=1
    return
  fi
  pkg=$(owner_of "$1")
  reason=$([ -n "$pkg" ] && why "$pkg" 0)
  if [ -z "$reason" ]; then
    printf 'FAIL  %s: from package %s, which scripts/deps.sh does not list; read by %s\n' "$1" "${pkg:-(none)}" "$2"
    fail=1
  else
    printf 'ok    %-46s %-20s (%s)\n' "$1" "$pkg" "$reason"
  fi
}
for entry in "${data_files[@]}"; do
  p=${entry%%|*}
  check_file "$p" "${entry#*|}"
  [ -L "$p" ] && [ -e "$p" ] && check_file "$(readlink -f "$p")" "${entry#*|}"
done
# Every /usr/share or /usr/lib path in the scripts and the C++ code is in one of the two lists above.
known=" ${optional_files[*]} "
for entry in "${data_files[@]}"; do known+=" ${entry%%|*} "; done
while IFS=: read -r f l p; do
  p=${p%\*}
  if [[ $known != *" $p "* ]]; then
    printf 'FAIL  %s:%s reads %s, which is not in data_files (or optional_files) of %s\n' "$f" "$l" "$p" "${0##*/}"
    fail=1
  fi
done < <(
  grep -HnoE '/usr/(share|lib)/[A-Za-z0-9_.+/*-]+' "${shell_files[@]}" | grep -v '^tests/deps/'
  grep -rHnoE '/usr/(share|lib)/[A-Za-z0-9_.+/*-]+' src --include='*.cpp' --include='*.h' --include='*.c'
)
# The C++ code that runs programs is listed in cpp_runs.
while IFS= read -r f; do
  if [ -z "${cpp_runs[$f]+x}" ]; then
    printf 'FAIL  %s runs a program (popen/system/exec/posix_spawn): name it in cpp_runs of %s\n' "$f" "${0##*/}"
    fail=1
  fi
done < <(grep -rlE '\b(popen|system|execl|execlp|execle|execv|execvp|execvpe|posix_spawnp?)\(' src \
  --include='*.cpp' --include='*.h' --include='*.c' | sort)

echo "--- $n programs from ${#shell_files[@]} shell scripts, the Makefile, ${#cmake_files[@]} CMake files and the" \
  "C++ code; ${#data_files[@]} files from packages; scripts/deps.sh lists ${#listed[@]} packages" \
  "(${#bench_listed[@]} more with --bench)"
if [ $fail = 0 ]; then
  echo "every one comes from a package that scripts/deps.sh installs, or from an Essential or required package"
fi
exit $fail

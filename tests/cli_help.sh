#!/usr/bin/env bash
# The `passport` CLI explains itself: every command, old and new, answers
# --help with its flags (`passport help COMMAND` prints the same); a mistyped
# flag is named, with the command's usage, and exits 2; and README.md's CLI
# reference is that help, verbatim, so the two cannot drift.
# Usage: cli_help.sh PASSPORT README [--write]
#   --write rewrites the README's reference from the help instead of checking.
set -euo pipefail
passport=$1 readme=$2 mode=${3:-check}
begin='<!-- BEGIN passport --help (generated: bash tests/cli_help.sh build/clients/passport README.md --write) -->'
end='<!-- END passport --help -->'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The commands a help text lists.
subcommands() { awk '/^Subcommands:$/ {on = 1; next} on && /^$/ {exit} on {print $1}'; }

# Every command's help, depth first, as Markdown.
reference() {
  local help sub
  help=$("$passport" "$@" --help)
  [[ $("$passport" help "$@") == "$help" ]] ||
    { echo "passport help $* differs from passport $* --help" >&2; return 1; }
  if [[ $# -gt 0 && $help != *"Subcommands:"* ]]; then
    # A command: its flags, each with its default, and what it prints.
    grep -q -- '^  -h,--help ' <<< "$help" && grep -q '^Prints: ' <<< "$help" ||
      { echo "passport $* --help lacks its flags or output:"$'\n'"$help" >&2; return 1; }
  fi
  printf '### `passport%s`\n\n```text\n%s\n```\n\n' "${*:+ $*}" "$help"
  for sub in $(subcommands <<< "$help"); do reference "$@" "$sub"; done
}
reference > "$work/generated.md"

if [[ $mode == --write ]]; then
  awk -v b="$begin" -v e="$end" -v gen="$work/generated.md" '
    $0 == e {skip = 0}
    !skip {print}
    $0 == b {while ((getline line < gen) > 0) print line; skip = 1}' \
    "$readme" > "$work/readme" && cp "$work/readme" "$readme"
fi
awk -v b="$begin" -v e="$end" '$0 == e {on = 0} on {print} $0 == b {on = 1}' \
  "$readme" > "$work/readme-section.md"
grep -qxF -- "$begin" "$readme" || { echo "README has no line: $begin" >&2; exit 1; }
diff -u "$work/readme-section.md" "$work/generated.md" || {
  echo "README.md's CLI reference differs from passport --help; regenerate it:" >&2
  echo "  bash tests/cli_help.sh build/clients/passport README.md --write" >&2
  exit 1
}

# A mistyped flag: named, with the command's usage, exit 2; so is a missing
# one, and a command that does not exist.
usage_error() {  # EXPECTED_TEXT USAGE_LINE ARGS...
  local expected=$1 usage=$2 code=0
  shift 2
  "$passport" "$@" > /dev/null 2> "$work/err.txt" || code=$?
  [[ $code == 2 ]] && grep -qF -- "$expected" "$work/err.txt" &&
    grep -qF -- "$usage" "$work/err.txt" ||
    { echo "passport $*: exit $code"; cat "$work/err.txt"; exit 1; }
}
usage_error '--pasport' 'Usage: passport hire [OPTIONS]' hire --key k --pasport p
usage_error '--consent-id is required' 'Usage: passport consent withdraw' \
  consent withdraw --key k
usage_error '--org-key is required' 'Usage: passport rebind' rebind --key k
usage_error 'hier' 'Usage: passport [OPTIONS] SUBCOMMAND' hier
usage_error 'no command "org regster"' 'Usage: passport [OPTIONS]' help org regster
echo "cli help: every command documented; README in step"

# Sourced by scripts/setup.sh and scripts/test.sh: installs the Debian packages of
# scripts/packages.txt that are missing, for the phases named (build, test).
#
#   install_missing build        # what building needs
#   install_missing build test   # and what the tests need

install_missing() {
  local list phase package check
  local -a need=()
  list="$(dirname "${BASH_SOURCE[0]}")/../packages.txt"
  while read -r phase package check; do
    [[ -z "$phase" || "$phase" == \#* ]] && continue
    [[ " $* " == *" $phase "* ]] || continue
    bash -c "$check" >/dev/null 2>&1 || need+=("$package")
  done <"$list"
  if ((${#need[@]} == 0)); then
    return 0
  fi
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || {
      echo "blocgraph needs these Debian packages and cannot install them (not root, no sudo): ${need[*]}" >&2
      return 1
    }
    sudo=(sudo)
  fi
  echo "installing with apt-get: ${need[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# Rust itself is a prerequisite: say so plainly when it is missing.
need_cargo() {
  command -v cargo >/dev/null 2>&1 || {
    echo "blocgraph needs Rust 1.87 or later: install it from https://rustup.rs and run this again" >&2
    return 1
  }
}

# Sourced by the Debian tests: makes sure $dir (the image folder) holds a
# current image of scripts/debian_image.sh, building one only with
# PXOS_DEBIAN=1 (minutes, root, Debian's archive), and exits 77 (skipped)
# otherwise. Needs $src (the source folder) and $dir; makes $dir absolute.
if ! "$src/scripts/debian_image.sh" --current "$dir"; then
  if [ "${PXOS_DEBIAN:-}" != 1 ]; then
    echo "SKIPPED: no current Debian image in $dir; building one takes minutes, root and Debian's archive:" \
      "make debian-image, or PXOS_DEBIAN=1 to let this test build it"
    exit 77
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: building the Debian image needs root (debootstrap), and there is no current one in $dir"
    exit 77
  fi
  "$src/scripts/debian_image.sh" "$dir" || {
    echo "FAIL: scripts/debian_image.sh could not build the image (see above)"
    exit 1
  }
fi
dir=$(cd "$dir" && pwd)

#!/usr/bin/env bash
# Fetches the text the id/ms naive Bayes table (stages/language_id_malay_indonesian_model.cc)
# is trained on: the id and ms gettext catalogues of Debian packages that the evaluation
# (bench/textprep/langid_eval.py) never reads, and the Firefox ESR id/ms language packs, downloaded and unpacked into build/langid_train
# without being installed (installing them would put them in the evaluation set). Only needed
# to regenerate the table (`langid_eval.py --write-id-ms-model ...`): a few hundred MB, so it is
# not part of scripts/setup.sh. Idempotent; Debian 12, as root.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ID_MS_TRAIN_PKGS=(ark audacious audacity-data digikam-data dolphin evince-common gedit-common gimp-data
                  gnome-control-center-data gnome-terminal-data gwenview hexchat-common inkscape kcalc konsole
                  mousepad nautilus-data okular pidgin-data rhythmbox-data ristretto thunar-data totem-common
                  tuxpaint-data vlc-l10n xfce4-panel xfce4-session xfce4-settings)
TRAIN_DIR="$REPO/build/langid_train"
if [[ ! -f "$TRAIN_DIR/.done" ]]; then
  echo "setup.d/textprep: id/ms training catalogues into $TRAIN_DIR"
  mkdir -p "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
  (cd "$TRAIN_DIR/debs" && apt-get download -q "${ID_MS_TRAIN_PKGS[@]}" >/dev/null)
  for deb in "$TRAIN_DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$TRAIN_DIR/root"; done
  mkdir -p "$TRAIN_DIR/locale"
  for l in id ms; do
    mkdir -p "$TRAIN_DIR/locale/$l/LC_MESSAGES"
    cp "$TRAIN_DIR/root/usr/share/locale/$l/LC_MESSAGES/"*.mo "$TRAIN_DIR/locale/$l/LC_MESSAGES/"
  done
  rm -rf "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
  touch "$TRAIN_DIR/.done"
fi
# Firefox ESR language packs (id, ms): the browser's UI strings as Fluent (.ftl) and
# .properties files inside an .xpi (zip); unpacked to $TRAIN_DIR/firefox/<id|ms>.
if [[ ! -f "$TRAIN_DIR/.done-firefox" ]]; then
  echo "bench/textprep: Firefox ESR id/ms language packs into $TRAIN_DIR/firefox"
  mkdir -p "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
  (cd "$TRAIN_DIR/debs" && apt-get download -q firefox-esr-l10n-id firefox-esr-l10n-ms >/dev/null)
  for deb in "$TRAIN_DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$TRAIN_DIR/root"; done
  for l in id ms; do
    rm -rf "$TRAIN_DIR/firefox/$l" && mkdir -p "$TRAIN_DIR/firefox/$l"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$TRAIN_DIR/root/usr/lib/firefox-esr/browser/extensions/langpack-$l@firefox-esr.mozilla.org.xpi" \
      "$TRAIN_DIR/firefox/$l"
  done
  rm -rf "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
  touch "$TRAIN_DIR/.done-firefox"
fi
echo "bench/textprep: id/ms training text in $TRAIN_DIR"

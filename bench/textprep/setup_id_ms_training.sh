#!/usr/bin/env bash
# Fetches the text the id/ms naive Bayes table (stages/text/language_id_malay_indonesian_model.cc)
# and the close-language tables (stages/text/language_id_close_languages_model.cc: es/gl/pt, sv/nb/da)
# are trained on: the gettext catalogues of those locales of Debian packages that the evaluation
# (bench/textprep/langid_eval.py) never reads, and the Firefox ESR language packs, downloaded and unpacked into build/langid_train
# without being installed (installing them would put them in the evaluation set). Only needed
# to regenerate the tables (`langid_eval.py --write-id-ms-model/--write-close-model ...`): a few hundred MB, so it is
# not part of scripts/setup.sh. Idempotent; Debian 12, as root.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ID_MS_TRAIN_PKGS=(ark audacious audacity-data digikam-data dolphin evince-common gedit-common gimp-data
                  gnome-control-center-data gnome-terminal-data gwenview hexchat-common inkscape kcalc konsole
                  mousepad nautilus-data okular pidgin-data rhythmbox-data ristretto thunar-data totem-common
                  tuxpaint-data vlc-l10n xfce4-panel xfce4-session xfce4-settings)
TRAIN_DIR="$REPO/build/langid_train"
# gettext locale -> Firefox ESR language pack; id/ms for the Indonesian/Malay table, the others for
# the close-language tables (es/gl/pt, sv/nb/da).
declare -A FIREFOX_PACK=([id]=id [ms]=ms [es]=es-ES [gl]=gl [pt]=pt-PT [sv]=sv-SE [nb]=nb-NO [da]=da)
LOCALES=(id ms es gl pt sv nb da)
missing=()
for l in "${LOCALES[@]}"; do
  [[ -f "$TRAIN_DIR/.done-$l" ]] || missing+=("$l")
done
# Markers of the first version (id/ms only).
[[ -f "$TRAIN_DIR/.done" && -f "$TRAIN_DIR/.done-firefox" ]] && \
  missing=($(printf '%s\n' "${missing[@]}" | grep -vx -e id -e ms || true))
if ((${#missing[@]})); then
  echo "bench/textprep: training catalogues and Firefox language packs for ${missing[*]} into $TRAIN_DIR"
  rm -rf "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
  mkdir -p "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
  packs=()
  for l in "${missing[@]}"; do packs+=("firefox-esr-l10n-$(echo "${FIREFOX_PACK[$l]}" | tr 'A-Z' 'a-z')"); done
  (cd "$TRAIN_DIR/debs" && apt-get download -q "${ID_MS_TRAIN_PKGS[@]}" "${packs[@]}" >/dev/null)
  for deb in "$TRAIN_DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$TRAIN_DIR/root"; done
  for l in "${missing[@]}"; do
    rm -rf "$TRAIN_DIR/locale/$l" && mkdir -p "$TRAIN_DIR/locale/$l/LC_MESSAGES"
    cp "$TRAIN_DIR/root/usr/share/locale/$l/LC_MESSAGES/"*.mo "$TRAIN_DIR/locale/$l/LC_MESSAGES/"
    # The browser's UI strings as Fluent (.ftl) and .properties files inside an .xpi (zip).
    rm -rf "$TRAIN_DIR/firefox/$l" && mkdir -p "$TRAIN_DIR/firefox/$l"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$TRAIN_DIR/root/usr/lib/firefox-esr/browser/extensions/langpack-${FIREFOX_PACK[$l]}@firefox-esr.mozilla.org.xpi" \
      "$TRAIN_DIR/firefox/$l"
    touch "$TRAIN_DIR/.done-$l"
  done
  rm -rf "$TRAIN_DIR/debs" "$TRAIN_DIR/root"
fi
echo "bench/textprep: training text in $TRAIN_DIR (locale/<L>, firefox/<L>)"

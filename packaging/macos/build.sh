#!/usr/bin/env bash
# Build cpchair.app and a compressed disk image on a Mac (macOS 12 or later, Python 3.11 installed), from the
# repository root: packaging/macos/build.sh. Results: dist/cpchair.app and dist/cpchair-VERSION.dmg.
# Signing and notarising (needed so Gatekeeper opens the app without a warning) are the last two commands,
# run only when SIGN_IDENTITY (a "Developer ID Application: …" certificate) and NOTARY_PROFILE (a
# `xcrun notarytool store-credentials` profile) are set.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3.11}
"$PYTHON" -m venv build/venv-macos
build/venv-macos/bin/python -m pip install --quiet --upgrade pip
build/venv-macos/bin/python -m pip install --quiet '.[bundle]'
build/venv-macos/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/cpchair.spec
VERSION=$(build/venv-macos/bin/python -c 'import cpchair; print(cpchair.__version__)')

# The bundle checks itself before it is packed (exit code 0 = passed).
dist/cpchair.app/Contents/MacOS/cpchair --self-test

if [[ -n "${SIGN_IDENTITY:-}" ]]; then
  codesign --force --deep --options runtime --timestamp --sign "$SIGN_IDENTITY" dist/cpchair.app
fi
rm -f "dist/cpchair-$VERSION.dmg"
hdiutil create -volname "cpchair $VERSION" -srcfolder dist/cpchair.app -ov -format UDZO "dist/cpchair-$VERSION.dmg"
if [[ -n "${SIGN_IDENTITY:-}" && -n "${NOTARY_PROFILE:-}" ]]; then
  xcrun notarytool submit "dist/cpchair-$VERSION.dmg" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "dist/cpchair-$VERSION.dmg"
fi
echo "dist/cpchair-$VERSION.dmg"

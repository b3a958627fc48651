# Build dist\cpchair (PyInstaller) and dist\cpchair-VERSION-setup.exe (Inno Setup 6) on Windows, from the
# repository root: powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs Python 3.11 (the `py` launcher) and Inno Setup 6 (iscc.exe on PATH or in its default folder).
# Sign cpchair.exe and the installer afterwards (signtool, with the council's or the supplier's certificate).
$ErrorActionPreference = "Stop"
py -3.11 -m venv build\venv-win
build\venv-win\Scripts\python -m pip install --quiet --upgrade pip
build\venv-win\Scripts\python -m pip install --quiet ".[bundle]"
build\venv-win\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\cpchair.spec
$version = build\venv-win\Scripts\python -c "import cpchair; print(cpchair.__version__)"
# The bundle checks itself (a windowed program: judge it by its exit code).
$check = Start-Process -FilePath dist\cpchair\cpchair.exe -ArgumentList "--self-test" -Wait -PassThru
if ($check.ExitCode -ne 0) { throw "cpchair --self-test failed (exit $($check.ExitCode))" }
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\cpchair.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Output "dist\cpchair-$version-setup.exe"

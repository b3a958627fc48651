; Inno Setup script: builds a per-machine installer from the PyInstaller onedir in dist\cpchair.
; Local authority IT usually deploys through Intune/SCCM: `cpchair-setup.exe /VERYSILENT /ALLUSERS`.
; The data stays in %LOCALAPPDATA%\cpchair (never roaming); uninstalling leaves it in place on purpose.
[Setup]
AppId={{6C1F3B8E-2E51-4C8E-9B0E-2D6A0F6B7C11}
AppName=cpchair
AppVersion=0.1.0
DefaultDirName={autopf}\cpchair
DefaultGroupName=cpchair
PrivilegesRequired=admin
OutputBaseFilename=cpchair-setup
Compression=lzma2
SolidCompression=yes

[Files]
Source: "..\..\dist\cpchair\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\cpchair"; Filename: "{app}\cpchair.exe"

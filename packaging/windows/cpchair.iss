; Inno Setup 6 script: the Windows installer around the PyInstaller one-folder build in dist\cpchair.
; Build (on Windows, from the repository root): packaging\windows\build.ps1, or by hand
;   pyinstaller --noconfirm packaging\cpchair.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\cpchair.iss      -> dist\cpchair-0.1.0-setup.exe
;
; Installs per machine by default (Program Files, for every user), which is what council IT pushes with
; Intune or SCCM, silently:
;   cpchair-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS /LOG="%TEMP%\cpchair-setup.log"
; A user without admin rights can install for themselves only (into %LOCALAPPDATA%\Programs\cpchair):
;   cpchair-0.1.0-setup.exe /CURRENTUSER            (add /VERYSILENT /SUPPRESSMSGBOXES for no questions)
; Uninstall silently: "C:\Program Files\cpchair\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; The data stays in %LOCALAPPDATA%\cpchair (never roaming): neither an upgrade nor uninstalling touches it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; AppId identifies cpchair to Windows for upgrades and uninstalling: never change it.
AppId={{6C1F3B8E-2E51-4C8E-9B0E-2D6A0F6B7C11}
AppName=cpchair
AppVersion={#AppVersion}
AppVerName=cpchair {#AppVersion}
VersionInfoVersion={#AppVersion}
AppPublisher=cpchair
DefaultDirName={autopf}\cpchair
DefaultGroupName=cpchair
DisableProgramGroupPage=yes
; Per machine unless the command line (/CURRENTUSER) or the user (in the dialog) chooses per user.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=cpchair-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\cpchair.ico
UninstallDisplayIcon={app}\cpchair.exe
UninstallDisplayName=cpchair
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An upgrade while cpchair is open: close it (it saves as it goes), install, and leave it closed.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole program folder, so no file of an older version lingers beside the new one.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\cpchair\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\cpchair"; Filename: "{app}\cpchair.exe"
Name: "{autodesktop}\cpchair"; Filename: "{app}\cpchair.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\cpchair.exe"; Description: "{cm:LaunchProgram,cpchair}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes only what it installed in {app}. The data folder
; (%LOCALAPPDATA%\cpchair: the database, its backups, the keys) is left in place on purpose.

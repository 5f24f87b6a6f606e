; Inno Setup 6 script: per-user installer for the PyInstaller one-folder build.
; No administrator rights: installs into %LOCALAPPDATA%\Programs\Encounter Replay,
; writes only HKCU, and adds a Start-menu entry, an optional desktop icon and the
; .acmi file association. Compile on Windows after the PyInstaller build:
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=C:\src\encounter-replay\dist\encounter-replay ^
;        /DOutputDir=C:\src\encounter-replay\dist ^
;        /DSetupIcon=C:\src\encounter-replay\build\pyinstaller\encounter_replay\encounter-replay.ico ^
;        packaging\windows\encounter-replay.iss
;
; Relative defaults below are relative to this file (the repository's packaging\windows).

#define AppName "Encounter Replay"
#define AppExe "encounter-replay.exe"
#define ProgId "EncounterReplay.acmi"
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\encounter-replay"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; Keep AppId fixed across versions: it is how upgrades and the uninstaller find the install.
AppId={{8D4CCDBA-C160-45B8-A482-DD0E9D33D87D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Encounter Replay maintainers
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=encounter-replay-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
ChangesAssociations=yes
CloseApplications=yes
#ifdef SetupIcon
SetupIconFile={#SetupIcon}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open Tacview &ACMI recordings (.acmi) with {#AppName}"; GroupDescription: "File types:"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"
Name: "{autoprograms}\{#AppName} sample encounter"; Filename: "{app}\{#AppExe}"; Parameters: """{app}\_internal\sample_tracks\syria_oct2015_illustrative.txt.acmi"""; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; Always offer the app under "Open with" for .acmi, without taking the default from Tacview.
Root: HKCU; Subkey: "Software\Classes\.acmi\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Tacview ACMI recording"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".acmi"; ValueData: ""; Flags: uninsdeletekey
; The "associate" task makes it the default program for .acmi.
Root: HKCU; Subkey: "Software\Classes\.acmi"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Parameters: """{app}\_internal\sample_tracks\syria_oct2015_illustrative.txt.acmi"""; Description: "Open the sample encounter"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; The program writes nothing into its folder; this removes only what a crash might leave.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
Type: dirifempty; Name: "{app}"

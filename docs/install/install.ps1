<#
.SYNOPSIS
Install govm on Windows (Windows PowerShell 5.1 or PowerShell 7).

.DESCRIPTION
Downloads a govm release archive, checks its SHA-256 against the release's
checksums.txt, places govm.exe (and govm-shim.exe) in the install directory
and runs `govm setup`, which adds govm to the user PATH in the registry (no
administrator rights). Nothing is installed when a check fails.

  irm https://raw.githubusercontent.com/govm-dev/govm/main/docs/install/install.ps1 | iex
  .\install.ps1 -Version 1.2.0 -BaseUrl \\fileserver\mirror\govm -NoSetup

.PARAMETER Version
Release to install (default: the latest; env GOVM_VERSION).

.PARAMETER BaseUrl
Releases base in GitHub's layout, or a mirror URL or directory with the same
layout (env GOVM_RELEASES_URL; default https://github.com/govm-dev/govm/releases).

.PARAMETER InstallDir
Where govm.exe goes (env GOVM_INSTALL_DIR; default <govm home>\bin, the home
being GOVM_HOME or %LOCALAPPDATA%\govm).

.PARAMETER NoSetup
Do not run `govm setup` (env GOVM_NO_SETUP=1).
#>
[CmdletBinding()]
param(
    [string]$Version = $env:GOVM_VERSION,
    [string]$BaseUrl = $env:GOVM_RELEASES_URL,
    [string]$InstallDir = $env:GOVM_INSTALL_DIR,
    [switch]$NoSetup
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
# Invoke-WebRequest draws a progress bar per KB in 5.1: it slows downloads tenfold.
$ProgressPreference = 'SilentlyContinue'

# throw, not exit: under `irm | iex` exit would close the user's session.
# Run as a file (powershell -File install.ps1) a throw exits with status 1.
function Fail([string]$Message) {
    throw "govm-install: $Message"
}

if (-not $BaseUrl) { $BaseUrl = 'https://github.com/govm-dev/govm/releases' }
$BaseUrl = $BaseUrl.TrimEnd('/', '\')
if ($Version) { $Version = $Version.TrimStart('v') }
if ($env:GOVM_NO_SETUP -eq '1') { $NoSetup = $true }

$arch = $env:PROCESSOR_ARCHITEW6432
if (-not $arch) { $arch = $env:PROCESSOR_ARCHITECTURE }
switch ($arch) {
    'AMD64' { $goarch = 'amd64' }
    'ARM64' { $goarch = 'arm64' }
    default { Fail "unsupported processor architecture '$arch'" }
}

if (-not $InstallDir) {
    $govmHome = $env:GOVM_HOME
    if (-not $govmHome) {
        if (-not $env:LOCALAPPDATA) { Fail 'LOCALAPPDATA is not set: pass -InstallDir' }
        $govmHome = Join-Path $env:LOCALAPPDATA 'govm'
    }
    $InstallDir = Join-Path $govmHome 'bin'
}

# Windows PowerShell 5.1 defaults to TLS 1.0; GitHub requires 1.2.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

function Get-Release([string]$Url, [string]$OutFile) {
    if ($Url -match '^https?://') {
        Invoke-WebRequest -Uri $Url -OutFile $OutFile -UseBasicParsing
    } else {
        # A mirror directory or UNC share.
        Copy-Item -LiteralPath $Url -Destination $OutFile
    }
}

function Join-Release([string]$Path) {
    if ($BaseUrl -match '^https?://') { return "$BaseUrl/$Path" }
    return Join-Path $BaseUrl ($Path -replace '/', '\')
}

$tmp = Join-Path ([IO.Path]::GetTempPath()) ('govm-install-' + [Guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
    if ($Version) {
        $sumsUrl = Join-Release "download/v$Version/checksums.txt"
    } else {
        $sumsUrl = Join-Release 'latest/download/checksums.txt'
    }
    Write-Host "govm-install: reading $sumsUrl"
    $sumsFile = Join-Path $tmp 'checksums.txt'
    try { Get-Release $sumsUrl $sumsFile } catch { Fail "cannot download ${sumsUrl}: $($_.Exception.Message)" }

    $pattern = '^([0-9a-fA-F]{64}) +\*?(govm_([^_ ]+)_windows_' + $goarch + '\.zip)$'
    $match = $null
    foreach ($line in Get-Content -LiteralPath $sumsFile) {
        $m = [regex]::Match($line.TrimEnd(), $pattern)
        if ($m.Success) { $match = $m; break }
    }
    if ($null -eq $match) { Fail "$sumsUrl lists no govm archive for windows/$goarch" }
    $want = $match.Groups[1].Value.ToLowerInvariant()
    $asset = $match.Groups[2].Value
    $found = $match.Groups[3].Value
    if ($Version -and $found -ne $Version) { Fail "$sumsUrl is for $found, not $Version" }

    $url = Join-Release "download/v$found/$asset"
    $zip = Join-Path $tmp $asset
    Write-Host "govm-install: downloading $url"
    try { Get-Release $url $zip } catch { Fail "cannot download ${url}: $($_.Exception.Message)" }
    $got = (Get-FileHash -LiteralPath $zip -Algorithm SHA256).Hash.ToLowerInvariant()
    if ($got -ne $want) { Fail "checksum mismatch for ${asset}: got $got, checksums.txt says $want; nothing was installed" }

    $unpacked = Join-Path $tmp 'x'
    Expand-Archive -LiteralPath $zip -DestinationPath $unpacked
    if (-not (Test-Path -LiteralPath (Join-Path $unpacked 'govm.exe'))) { Fail "$asset holds no govm.exe" }

    New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
    foreach ($bin in @('govm.exe', 'govm-shim.exe')) {
        $src = Join-Path $unpacked $bin
        if (-not (Test-Path -LiteralPath $src)) { continue }
        $dst = Join-Path $InstallDir $bin
        if (Test-Path -LiteralPath $dst) {
            # A running govm.exe cannot be overwritten but can be renamed;
            # govm removes the .old file on its next run.
            Move-Item -LiteralPath $dst -Destination "$dst.old" -Force
        }
        Copy-Item -LiteralPath $src -Destination $dst
    }
    Write-Host "govm-install: installed govm $found in $InstallDir (sha256 $got verified)"

    $govm = Join-Path $InstallDir 'govm.exe'
    if ($NoSetup) {
        Write-Host "govm-install: skipped setup; run: & '$govm' setup"
    } else {
        & $govm setup
        if ($LASTEXITCODE -ne 0) { Fail "govm setup failed (exit $LASTEXITCODE); run it again with: & '$govm' setup --verbose" }
    }
} finally {
    Remove-Item -LiteralPath $tmp -Recurse -Force -ErrorAction SilentlyContinue
}

# On the design card's machine (Windows, NVIDIA GPU): build with the CUDA backend, run the device-consistency
# tests on the GPU, train a smoke-scale Phase 5 on it, and time the report's model (ResNet-101, 512x896) in
# fp32/TF32 and bf16. Writes report\gpu-check.md beside the report's Table 6. Usage: tools\gpu-check.ps1 [-Device cuda:N]
param([string]$Device = "cuda", [string]$Backend = "cuda-windows")
Set-Location (Join-Path $PSScriptRoot "..")
New-Item -ItemType Directory -Force report | Out-Null
$log = "report\gpu-check.log"
Set-Content $log ""
function Status($code) { if ($code -eq 0) { "passed" } else { "FAILED (exit $code; see $log)" } }
$cli = @("run", "-c", "Release", "--no-build", "-p:TorchSharpBackend=$Backend", "--project", "lib/DesertSeg.Cli", "--")

dotnet build -c Release "-p:TorchSharpBackend=$Backend" DesertSeg.Lab.sln *>> $log; $build = $LASTEXITCODE
$env:DESERTSEG_TEST_DEVICE = $Device
dotnet test -c Release --no-build "-p:TorchSharpBackend=$Backend" tests/DesertSeg.Lab.Tests --filter "FullyQualifiedName~DesertSeg.Lab.Tests.Devices" *>> $log; $tests = $LASTEXITCODE
Remove-Item Env:DESERTSEG_TEST_DEVICE
dotnet @cli train --phase 5 --scale smoke --device $Device --runs runs-gpu-check *>> $log; $train = $LASTEXITCODE
dotnet @cli bench --encoder resnet101 --size 512x896 --device $Device --precision bf16 --repeats 20 > report\gpu-check-bench.txt 2>> $log; $bench = $LASTEXITCODE

$gpu = (& nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>$null)
@(
  "# GPU check ($((Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mmZ')))", "",
  "Device ``$Device``, backend ``$Backend``. $gpu", "",
  "| check | result |", "|---|---|",
  "| build with $Backend | $(Status $build) |",
  "| device-consistency tests on $Device | $(Status $tests) |",
  "| smoke Phase 5 training on $Device | $(Status $train) |",
  "| bench ResNet-101 512x896, fp32/TF32 and bf16 | $(Status $bench) |", "",
  "The report's Table 6 (RTX 5050 laptop, bf16): 23.8 ms/image single scale, 136.3 ms with TTA, peak VRAM ~4.8 GB.", "",
  '```', (Get-Content report\gpu-check-bench.txt), '```'
) | Set-Content report\gpu-check.md
Write-Output "Wrote report\gpu-check.md"
if ($build -or $tests -or $train -or $bench) { exit 1 }

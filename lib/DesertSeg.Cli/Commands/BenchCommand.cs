using System.CommandLine;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace DesertSeg.Cli.Commands;

/// <summary><c>desertseg bench</c>: Table 6's model and speed figures on this machine, beside the report's.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new InferenceArguments();
        var encoder = new Option<string?>("--encoder")
        {
            Description = "Time a model with random weights instead of a checkpoint (speed does not depend on the weights), e.g. " +
                          "--encoder resnet101 --size 512x896 for the report's model on a machine without its checkpoint.",
        };
        var repeats = new Option<int>("--repeats")
        {
            Description = "Timed runs per mode; the median is reported.",
            DefaultValueFactory = _ => 10
        };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up runs per mode.", DefaultValueFactory = _ => 2 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for LibTorch (default: all cores)." };
        var data = new Option<string?>("--data")
        {
            Description = "With --precision bf16 and a checkpoint: the data set whose val split measures the bf16 - fp32 mIoU difference " +
                          "(default: the embedded one)."
        };
        var scoreImages = new Option<int>("--score-images")
        {
            Description = "Validation images for the bf16 - fp32 mIoU difference.",
            DefaultValueFactory = _ => 16
        };
        var command = new Command("bench",
            "Table 6 on this machine: parameters, model size, ms/image and FPS single-scale and with TTA, " +
            "peak memory, at the model's input size.");
        foreach (var o in new Option[] { model.Checkpoint, model.Size, model.TtaScales, model.NoFlip, model.Device, model.Precision,
            encoder, data, scoreImages, repeats, warmup, threads }) command.Options.Add(o);
        command.SetAction(r => CommandGuard.Run(() =>
        {
            set_num_threads(r.GetValue(threads) ?? Environment.ProcessorCount);
            if (r.GetValue(model.Checkpoint) is null == r.GetValue(encoder) is null)
                throw new ArgumentException("Give --checkpoint (a trained model) or --encoder (random weights, for timing), one of them.");
            Predictor Load(InferencePrecision? precision) => r.GetValue(encoder) is { } name
                ? RandomModel(name, model.InputSize(r) ?? ModelSource.ReportInputSize, DeviceOptions.Resolve(r.GetValue(model.Device)),
                    precision ?? model.PrecisionOf(r))
                : model.LoadPredictor(r, precision);
            using var predictor = Load(null);
            var tta = r.GetValue(model.TtaScales) is { } text
                ? new TestTimeAugmentation(TestTimeAugmentation.ParseScales(text), !r.GetValue(model.NoFlip))
                : TestTimeAugmentation.Original with { Flip = !r.GetValue(model.NoFlip) };
            AnsiConsole.MarkupLineInterpolated(
                $"Timing at {predictor.Height}x{predictor.Width}, batch 1: {r.GetValue(warmup)} warm-up + {
                    r.GetValue(repeats)} timed runs per mode (single scale, {tta}).");
            var result = SpeedBenchmark.Run(predictor, new BenchmarkOptions(r.GetValue(warmup), r.GetValue(repeats), tta));
            Print(result);
            if (predictor.Precision == InferencePrecision.Bf16)
            {
                using var fp32 = Load(InferencePrecision.Fp32);
                var reference = SpeedBenchmark.Run(fp32, new BenchmarkOptions(r.GetValue(warmup), r.GetValue(repeats), tta));
                AnsiConsole.MarkupLineInterpolated(
                    $"bf16 {result.MsPerImage:F1} ms/image vs fp32 {reference.MsPerImage:F1} ms/image ({
                        reference.MsPerImage / result.MsPerImage:F2}x); TTA {result.MsPerImageTta:F1} vs {reference.MsPerImageTta:F1} ms.");
                if (r.GetValue(model.Checkpoint) is not null)
                {
                    // Accuracy on the same checkpoint: the validation split of the embedded data set (or --data).
                    var split = FalconDataset.Open(r.GetValue(data) ?? EmbeddedData.Ensure())[FalconLayout.Val];
                    var options = new ScoringOptions(Limit: r.GetValue(scoreImages));
                    AnsiConsole.WriteLine(
                        PrecisionComparison.Compare(SplitScorer.Score(predictor, split, options), fp32, split, options).ToString());
                }
            }
            return CommandGuard.Ok;
        }));
        return command;
    }

    private static Predictor RandomModel(string encoder, (int Height, int Width) size, Device device, InferencePrecision precision)
    {
        manual_seed(0);
        var config = new Lab.Models.ModelConfig(encoder, Lab.Data.ClassScheme.SevenClass.Count);
        var predictor = new Predictor(Lab.Models.DeepLabV3Plus.Create(config), Lab.Data.ClassScheme.SevenClass,
            size.Height, size.Width, device,
            new ModelSource("(random weights)", config, Lab.Data.ClassScheme.SevenClass, size.Height, size.Width,
                "random weights, for timing"),
            precision);
        AnsiConsole.MarkupLineInterpolated(
            $"Model: [bold]{encoder}[/] with random weights (timing only), {Lab.Devices.ComputeDevice.Describe(device)}, {precision}");
        return predictor;
    }

    private static void Print(BenchmarkResult b)
    {
        var table = new Table().Title("Table 6: model and speed")
            .AddColumn("Metric").AddColumn(new TableColumn("This machine").RightAligned())
            .AddColumn(new TableColumn("Report").RightAligned());
        foreach (var (metric, measured, report) in b.Table6Rows())
            table.AddRow(Markup.Escape(metric), Markup.Escape(measured), Markup.Escape(report));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[yellow]The hardware differs from the report's ({Markup.Escape(ReportedNumbers.Table6.Hardware)}): " +
            $"compare the ratio TTA/single ({b.MsPerImageTta / b.MsPerImage:F1}x here, " +
            $"{ReportedNumbers.Table6.MsPerImageTta / ReportedNumbers.Table6.MsPerImage:F1}x there), not the milliseconds.[/]");
    }
}

using DesertSeg.Lab.Training;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace DesertSeg.Lab.Reporting.Charts;

/// <summary>Figure 5 (training curves) and Figure 7 (ablation bars).</summary>
public static class TrainingCharts
{
    /// <summary>Train and validation loss per epoch.</summary>
    public static GenericChart Loss(IReadOnlyList<EpochRecord> history, string title = "Training and validation loss") =>
        Chart.Combine([
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.TrainLoss), Name: "train loss",
                    ShowMarkers: true),
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.ValLoss), Name: "val loss",
                    ShowMarkers: true),
            ])
            .WithTitle(title).WithAxisTitles("Epoch", "0.5 CE + 0.5 Dice").WithSize(Width: 800, Height: 400);

    /// <summary>A run as it trains: train and val loss and val mIoU per epoch on one axis (all between 0 and about 1.5).</summary>
    public static GenericChart Progress(IReadOnlyList<EpochRecord> history, string title) =>
        Chart.Combine([
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.TrainLoss), Name: "train loss",
                    ShowMarkers: true),
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.ValLoss), Name: "val loss",
                    ShowMarkers: true),
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.ValMeanIoU), Name: "val mIoU",
                    ShowMarkers: true, LineColor: Color.fromString("#2e8b57")),
            ])
            .WithTitle(title).WithAxisTitles("Epoch", "loss / mIoU").WithSize(Width: 800, Height: 380);

    /// <summary>Validation mIoU per epoch, with the test mIoU of the selected model as a dashed line (the domain gap).</summary>
    public static GenericChart MeanIoU(IReadOnlyList<EpochRecord> history, double? testMeanIoU = null, string title = "Validation mIoU")
    {
        var charts = new List<GenericChart>
        {
            Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.ValMeanIoU), Name: "val mIoU",
                ShowMarkers: true, LineColor: Color.fromString("#2e8b57")),
        };
        if (testMeanIoU is { } test && history.Count > 0)
            charts.Add(Chart.Line<int, double, string>([history[0].Epoch, history[^1].Epoch], [test, test], Name: $"test mIoU {test:F3}",
                LineColor: Color.fromString("#cd5c5c"), LineDash: StyleParam.DrawingStyle.Dash));
        return Chart.Combine(charts).WithTitle(title).WithAxisTitles("Epoch", "mIoU").WithSize(Width: 800, Height: 400);
    }

    /// <summary>Learning rate of each parameter group per epoch (warm-up, frozen encoder, cosine).</summary>
    public static GenericChart LearningRates(IReadOnlyList<EpochRecord> history) =>
        Chart.Combine([
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.EncoderLr), Name: "encoder",
                    ShowMarkers: true),
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.DecoderLr), Name: "decoder",
                    ShowMarkers: true),
                Chart.Line<int, double, string>(history.Select(h => h.Epoch), history.Select(h => h.HeadLr), Name: "head",
                    ShowMarkers: true),
            ])
            .WithTitle("Learning rate per parameter group").WithAxisTitles("Epoch", "learning rate").WithSize(Width: 800, Height: 400);

    /// <summary>Measured test mIoU of each configuration beside the report's (Figure 7).</summary>
    public static GenericChart Ablation(IReadOnlyList<(string Config, double? Measured, double? Reported)> rows,
        string title = "Ablation: test mIoU")
    {
        var keys = ChartStyle.Strings(rows.Select(r => r.Config));
        return Chart.Combine([
                Chart.Bar<double, string, string>(rows.Select(r => r.Measured ?? 0), Keys: keys, Name: "measured (this workspace)",
                    MarkerColor: Color.fromString("#4682b4")),
                Chart.Bar<double, string, string>(rows.Select(r => r.Reported ?? 0), Keys: keys, Name: "report",
                    MarkerColor: Color.fromString("#c0c0c0")),
            ])
            .WithTitle(title).WithAxisTitles("test mIoU", "").WithSize(Width: 900, Height: 120 + 55 * rows.Count);
    }
}

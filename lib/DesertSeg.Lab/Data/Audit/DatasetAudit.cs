using DesertSeg.Lab.Reporting;
using Microsoft.Data.Analysis;

namespace DesertSeg.Lab.Data.Audit;

/// <summary>The audit of a whole data set, with the report's tables as DataFrames.</summary>
public sealed record DatasetAudit(string Root, IReadOnlyList<SplitAudit> Splits)
{
    public SplitAudit this[string split] =>
        Splits.FirstOrDefault(s => s.Split == split)
        ?? throw new KeyNotFoundException(
            $"No '{split}' split in the audit of {Root}; splits: {string.Join(", ", Splits.Select(s => s.Split))}.");

    public bool Has(string split) => Splits.Any(s => s.Split == split);

    public IReadOnlyList<AuditProblem> Problems => Splits.SelectMany(s => s.Problems).ToList();

    /// <summary>Mean RGB of <paramref name="to"/> minus that of <paramref name="from"/> (the report's [-26,-25,-13]).</summary>
    public double[] MeanRgbShift(string from = "train", string to = "test")
    {
        var a = this[from].MeanRgb; var b = this[to].MeanRgb;
        return [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    }

    /// <summary>One row per split: pairing, sizes, mask formats, unknown values, absent classes, mean RGB.</summary>
    public DataFrame SummaryFrame()
    {
        string Join<T>(IEnumerable<T> items) => string.Join("; ", items);
        return new DataFrame(
            new StringDataFrameColumn("Split", Splits.Select(s => s.Split)),
            new Int32DataFrameColumn("Pairs", Splits.Select(s => s.Pairs)),
            new Int32DataFrameColumn("Images without mask", Splits.Select(s => s.ImagesWithoutMask.Count)),
            new Int32DataFrameColumn("Masks without image", Splits.Select(s => s.MasksWithoutImage.Count)),
            new StringDataFrameColumn("Image sizes", Splits.Select(s => Join(s.ImageSizes.Select(kv => $"{kv.Key} x{kv.Value}")))),
            new StringDataFrameColumn("Mask formats", Splits.Select(s => Join(s.MaskFormats.Select(kv => $"{kv.Key} x{kv.Value}")))),
            new StringDataFrameColumn("Mask values", Splits.Select(s => Join(s.MaskValueCounts.Keys))),
            new StringDataFrameColumn("Unknown values", Splits.Select(s => Join(s.UnknownValues))),
            new Int64DataFrameColumn("Unknown pixels", Splits.Select(s => s.UnknownValuePixels)),
            new StringDataFrameColumn("Absent classes", Splits.Select(s => Join(s.AbsentClasses))),
            new DoubleDataFrameColumn("Mean R", Splits.Select(s => Math.Round(s.MeanRgb[0], 1))),
            new DoubleDataFrameColumn("Mean G", Splits.Select(s => Math.Round(s.MeanRgb[1], 1))),
            new DoubleDataFrameColumn("Mean B", Splits.Select(s => Math.Round(s.MeanRgb[2], 1))),
            new Int32DataFrameColumn("Problems", Splits.Select(s => s.Problems.Count)));
    }

    /// <summary>
    /// Table 1: percent of labelled pixels per class in every split with masks, the shift from
    /// <paramref name="from"/> to <paramref name="to"/>, "Absent"/"New" flags, and the report's figures.
    /// </summary>
    public DataFrame ClassShareFrame(string from = "train", string to = "test")
    {
        var withMasks = Splits.Where(s => s.HasMasks).ToList();
        var frame = new DataFrame(
            new StringDataFrameColumn("Class", FalconClass.All.Select(c => c.Name)),
            new Int32DataFrameColumn("Raw value", FalconClass.All.Select(c => (int)c.RawValue)));
        foreach (var split in withMasks)
            frame.Columns.Add(new DoubleDataFrameColumn($"{split.Split} %", split.Classes.Select(c => Math.Round(c.Percent, 3))));
        if (Has(from) && Has(to) && this[from].HasMasks && this[to].HasMasks)
        {
            var a = this[from]; var b = this[to];
            frame.Columns.Add(new DoubleDataFrameColumn("Shift",
                FalconClass.All.Select(c => Math.Round(b[c.Name].Percent - a[c.Name].Percent, 3))));
            frame.Columns.Add(new StringDataFrameColumn("Status", FalconClass.All.Select(c =>
                b[c.Name].Pixels == 0 && a[c.Name].Pixels > 0 ? $"Absent in {to}"
                : a[c.Name].Pixels == 0 && b[c.Name].Pixels > 0 ? $"Absent in {from}"
                : "")));
        }
        frame.Columns.Add(new DoubleDataFrameColumn("Report train %",
            FalconClass.All.Select(c => ReportedNumbers.ClassSharePercent[c.Name].Train)));
        frame.Columns.Add(new DoubleDataFrameColumn("Report test %",
            FalconClass.All.Select(c => ReportedNumbers.ClassSharePercent[c.Name].Test)));
        return frame;
    }

    /// <summary>Mean colour of each class per split (report 1.4: grey mossy training rocks, brown test sandstone).</summary>
    public DataFrame ClassColorFrame()
    {
        var withMasks = Splits.Where(s => s.HasMasks).ToList();
        var frame = new DataFrame(new StringDataFrameColumn("Class", FalconClass.All.Select(c => c.Name)));
        foreach (var split in withMasks)
            frame.Columns.Add(new StringDataFrameColumn($"{split.Split} mean RGB", split.Classes.Select(c =>
                c.MeanRgb is { } m ? $"[{m[0]:F0}, {m[1]:F0}, {m[2]:F0}]" : "")));
        return frame;
    }

    /// <summary>Figure 2's data: per split and channel, the share of pixels in each of the 256 intensity bins.</summary>
    public DataFrame HistogramFrame()
    {
        var split = new StringDataFrameColumn("Split");
        var channel = new StringDataFrameColumn("Channel");
        var bin = new Int32DataFrameColumn("Value");
        var share = new DoubleDataFrameColumn("Share");
        string[] names = ["R", "G", "B"];
        foreach (var s in Splits.Where(s => s.ImagesRead > 0))
            for (int c = 0; c < 3; c++)
            {
                double total = s.RgbHistograms[c].Sum();
                for (int v = 0; v < 256; v++)
                {
                    split.Append(s.Split); channel.Append(names[c]); bin.Append(v);
                    share.Append(s.RgbHistograms[c][v] / total);
                }
            }
        return new DataFrame(split, channel, bin, share);
    }
}

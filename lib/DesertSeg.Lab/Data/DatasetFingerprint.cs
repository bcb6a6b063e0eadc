using System.Security.Cryptography;
using System.Text;
using DesertSeg.Lab.Data.Synthetic;

namespace DesertSeg.Lab.Data;

/// <summary>
/// A short identity of a data set on disk, stored with every run so that a finished run is reused only
/// for the same data. A synthetic data set is identified by its manifest's pixel fingerprint; any other
/// by its file names and sizes (reading every pixel of a real data set would take minutes).
/// </summary>
public static class DatasetFingerprint
{
    public static string Of(FalconDataset dataset)
    {
        if (SyntheticFalconWriter.ReadManifest(dataset.Root) is { } manifest)
            return "synthetic-" + manifest.Fingerprint[..16];
        var text = new StringBuilder();
        foreach (var split in dataset.Splits)
            foreach (var pair in split.Pairs)
            {
                text.Append(split.Name).Append('/').Append(pair.Id).Append(':').Append(new FileInfo(pair.ImagePath).Length);
                if (pair.MaskPath is not null) text.Append(':').Append(new FileInfo(pair.MaskPath).Length);
                text.Append('\n');
            }
        return "files-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }
}

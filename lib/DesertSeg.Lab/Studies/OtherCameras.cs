using DesertSeg.Lab.Data;
using DesertSeg.Lab.Estimation;
using DesertSeg.Lab.Evaluation;
using DesertSeg.Lab.Evaluation.Corruptions;
using DesertSeg.Lab.Evaluation.Robustness;
using OpenCvSharp;

namespace DesertSeg.Lab.Studies;

/// <summary>
/// Labelled image sets as a user would bring them: the same deserts photographed through other cameras, saved as JPEG
/// at another size. Three cameras, fixed before any estimate was measured on them (issue 30 describes them as a new user
/// tried them): a hazy 1280x720 camera (fog at severity 2, then JPEG quality 75), a noisy sensor (Gaussian noise at
/// severity 2, JPEG quality 60, 960x540), and a colour cast (channel gains 1.12 / 1.00 / 0.82 and saturation 0.8, JPEG
/// quality 85); each on validation scenes (the training desert: covariate shift alone) and the hazy camera on test
/// scenes too (covariate and label shift). Masks follow the image's size (nearest neighbour).
/// </summary>
public static class OtherCameras
{
    public const string Family = "other cameras";

    /// <summary>A camera: what it does to an image (seeded by the image's index), and the size it saves at.</summary>
    private sealed record Camera(string Name, (int Width, int Height)? Size, int Quality, Func<RgbImage, int, RgbImage> Optics);

    private static readonly Camera[] Cameras =
    [
        new("haze 1280x720", (1280, 720), 75, (image, seed) => Corruptions.ByName("fog").Apply(image, 2, seed)),
        new("sensor noise", null, 60, (image, seed) => Corruptions.ByName("gaussian_noise").Apply(image, 2, seed)),
        new("colour cast", null, 85, (image, _) => ColourCast(image)),
    ];

    public static IEnumerable<LabelledImageSet> Sets(FalconDataset data, int images = 16)
    {
        var val = data[FalconLayout.Val].RequireComplete().Subset(images);
        var test = data[FalconLayout.Test].RequireComplete().Subset(images);
        foreach (var camera in Cameras) yield return Through(camera, val);
        yield return Through(Cameras[0], test);
    }

    private static LabelledImageSet Through(Camera camera, DataSplit split) => new(Family, $"{split.Name} through {camera.Name}",
        split.Pairs.Select((pair, index) => (Func<(RgbImage, RawMask?)>)(() =>
        {
            var (image, mask) = SplitScorer.ReadPair(pair);
            int seed = CorruptedSplits.Seed(pair.Id, camera.Name, 0);
            var (w, h) = camera.Size ?? (mask.Width, mask.Height);
            return (Save(camera.Optics(image, seed), camera), mask.ResizeNearest(w, h));
        })).ToList());

    /// <summary>Resized (area) to the camera's size, then a JPEG round trip at its quality.</summary>
    private static RgbImage Save(RgbImage image, Camera camera)
    {
        var (w, h) = camera.Size ?? (image.Width, image.Height);
        var resized = IO.ImageFiles.Resize(image, w, h);
        using var sized = IO.ImageFiles.FromBytes(resized.Pixels, w, h, MatType.CV_8UC3);
        using var bgr = new Mat();
        Cv2.CvtColor(sized, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(".jpg", bgr, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, camera.Quality));
        using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var back = new Mat();
        Cv2.CvtColor(decoded, back, ColorConversionCodes.BGR2RGB);
        return new RgbImage(w, h, IO.ImageFiles.ToBytes(back));
    }

    private static RgbImage ColourCast(RgbImage image)
    {
        double[] gain = [1.12, 1.0, 0.82];
        var pixels = new byte[image.Pixels.Length];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            double r = image.Pixels[i] * gain[0], g = image.Pixels[i + 1] * gain[1], b = image.Pixels[i + 2] * gain[2];
            double grey = 0.299 * r + 0.587 * g + 0.114 * b;
            pixels[i] = (byte)Math.Clamp(Math.Round(grey + 0.8 * (r - grey)), 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(Math.Round(grey + 0.8 * (g - grey)), 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(Math.Round(grey + 0.8 * (b - grey)), 0, 255);
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }
}

using DesertSeg.Lab.Data;
using OpenCvSharp;

namespace DesertSeg.Lab.Evaluation.Corruptions;

/// <summary>
/// ImageNet-C jpeg_compression: a JPEG round trip at quality 25, 18, 15, 10, 7 (libjpeg's quality scaling of the standard
/// tables, 4:2:0 chroma subsampling: PIL's defaults, here through OpenCV's libjpeg encoder and decoder). Quality is not
/// spatial, so it is kept at any image size (blocks stay 8 x 8 pixels). Not random: the seed is ignored.
/// </summary>
public sealed class JpegCompression : Corruption
{
    private static readonly int[] Quality = [25, 18, 15, 10, 7];

    /// <inheritdoc/>
    public override string Name => "jpeg_compression";

    /// <inheritdoc/>
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    /// <inheritdoc/>
    public override RgbImage Apply(RgbImage image, int severity, int seed)
    {
        int quality = Quality[CorruptionPixels.Level(severity)];
        using var rgb = CorruptionPixels.ToMat(image.Pixels, image.Width, image.Height, 3);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(".jpg", bgr, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var back = new Mat();
        Cv2.CvtColor(decoded, back, ColorConversionCodes.BGR2RGB);
        return new RgbImage(image.Width, image.Height, CorruptionPixels.ToBytes(back));
    }
}

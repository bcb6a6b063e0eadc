using DesertSeg.Lab.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>A run's TensorBoard scalars: losses, mIoU, learning rates and per-class validation IoU per epoch.</summary>
public sealed class TensorBoardLog(string folder, ClassScheme scheme)
{
    // TorchSharp 0.107's SummaryWriter is not IDisposable; it writes every event to its file as it is added.
    private readonly SummaryWriter _writer = utils.tensorboard.SummaryWriter(folder, createRunName: false);

    public void Write(EpochRecord r)
    {
        _writer.add_scalar("loss/train", (float)r.TrainLoss, r.Epoch);
        _writer.add_scalar("loss/val", (float)r.ValLoss, r.Epoch);
        _writer.add_scalar("miou/val", (float)r.ValMeanIoU, r.Epoch);
        if (r.TestMeanIoU is { } t) _writer.add_scalar("miou/test", (float)t, r.Epoch);
        _writer.add_scalar("lr/encoder", (float)r.EncoderLr, r.Epoch);
        _writer.add_scalar("lr/decoder", (float)r.DecoderLr, r.Epoch);
        _writer.add_scalar("lr/head", (float)r.HeadLr, r.Epoch);
        for (int c = 0; c < r.ValClassIoU.Count; c++)
            if (r.ValClassIoU[c] is { } iou) _writer.add_scalar($"iou_val/{scheme.Classes[c].Name}", (float)iou, r.Epoch);
    }
}

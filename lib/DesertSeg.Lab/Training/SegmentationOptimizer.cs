using DesertSeg.Lab.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>
/// The original's optimizer: AdamW over three parameter groups in this order (encoder, decoder, head), each
/// with its own base learning rate, scaled per epoch by the <see cref="LearningRateSchedule"/>; the encoder
/// is frozen (requires_grad false) while the schedule says so; gradients are clipped to a global norm.
/// </summary>
public sealed class SegmentationOptimizer : IDisposable
{
    private readonly DeepLabV3Plus _model;
    private readonly OptimizerConfig _config;
    private readonly LearningRateSchedule _schedule;
    private readonly OptimizerHelper _adamW;
    private readonly List<optim.ILearningRateController> _groups;
    private readonly List<Parameter> _parameters;

    public SegmentationOptimizer(DeepLabV3Plus model, OptimizerConfig config, LearningRateSchedule schedule)
    {
        _model = model;
        _config = config;
        _schedule = schedule;
        AdamW.ParamGroup Group(IEnumerable<Parameter> parameters, double lr) =>
            new(parameters, lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: config.WeightDecay, amsgrad: false, maximize: false);
        _adamW = optim.AdamW([
            Group(model.Encoder.parameters(), config.EncoderLr),
            Group(model.Decoder.parameters(), config.DecoderLr),
            Group(model.SegmentationHead.parameters(), config.HeadLr),
        ], lr: config.DecoderLr, weight_decay: config.WeightDecay);
        _groups = _adamW.ParamGroups.ToList();
        _parameters = model.parameters().ToList();
    }

    /// <summary>Learning rates of the encoder, decoder and head groups as last set by <see cref="BeginEpoch"/>.</summary>
    public (double Encoder, double Decoder, double Head) LearningRates =>
        (_groups[0].LearningRate, _groups[1].LearningRate, _groups[2].LearningRate);

    /// <summary>Sets the epoch's learning rates (base rate x the schedule's factor) and freezes or unfreezes the encoder.</summary>
    /// <returns>Whether the encoder is frozen in this epoch.</returns>
    public bool BeginEpoch(int epoch)
    {
        double[] baseLr = [_config.EncoderLr, _config.DecoderLr, _config.HeadLr];
        double[] factors = [_schedule.EncoderFactor(epoch), _schedule.DecoderFactor(epoch), _schedule.DecoderFactor(epoch)];
        for (int g = 0; g < 3; g++) _groups[g].LearningRate = baseLr[g] * factors[g];
        bool frozen = _schedule.EncoderFrozen(epoch);
        foreach (var p in _model.Encoder.parameters()) p.requires_grad = !frozen;
        return frozen;
    }

    /// <summary>Backward pass of <paramref name="loss"/>, clipping of the trainable gradients, one AdamW step.</summary>
    public void Step(Tensor loss)
    {
        _adamW.zero_grad();
        loss.backward();
        var withGrad = _parameters.Where(p => p.requires_grad && p.grad is not null).ToList();
        if (withGrad.Count > 0) nn.utils.clip_grad_norm_(withGrad, _config.GradientClipNorm);
        _adamW.step();
    }

    public void Save(string path) => _adamW.save_state_dict(path);

    public void Load(string path) => _adamW.load_state_dict(path);

    public void Dispose() => _adamW.Dispose();
}

using System.Text.Json;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation;

/// <summary>TENT as its paper and reference code run it (tent.py, conf.py defaults).</summary>
/// <param name="LearningRate">Adam's learning rate (reference: 1e-3, betas 0.9/0.999, no weight decay).</param>
/// <param name="Steps">Optimizer steps per batch (reference: 1).</param>
/// <param name="Episodic">Reset the model to its source state before every batch (the reference's episodic option).</param>
/// <param name="BatchSize">Test images per batch: the stream's batch size, which the result depends on.</param>
public sealed record OnlineTentConfig(double LearningRate = 1e-3, int Steps = 1, bool Episodic = false, int BatchSize = 8);

/// <summary>
/// TENT (Wang et al., ICLR 2021) online on the test stream: BatchNorm normalises with each batch's own statistics; for
/// every incoming batch the model predicts, the mean softmax entropy of that same forward pass is minimised by one Adam
/// step on BatchNorm's affine parameters only, and the batch's predictions are those of the last adapting pass, from
/// before its step (the reference's <c>forward</c> loops <c>forward_and_adapt</c> <c>steps</c> times and returns the last
/// outputs: with one step, the predictions come from the model before it saw this batch's gradient). Nothing is saved: the adapted model exists only while the stream is scored.
/// Differences from the reference: BatchNorm still updates its running statistics (unused while adapting, because
/// batch statistics normalise); dropout stays off (the model's decoder has one, the reference's classifiers do not).
/// </summary>
public sealed class OnlineTent : IOnlineAdaptation, IDisposable
{
    private readonly OnlineTentConfig _config;
    private readonly DeepLabV3Plus _model;
    private readonly List<(TorchSharp.Modules.Parameter Parameter, Tensor Source)> _affine;
    private optim.Optimizer _optimizer;

    public OnlineTent(DeepLabV3Plus model, OnlineTentConfig? config = null)
    {
        _config = config ?? new OnlineTentConfig();
        _model = model;
        var layers = BatchNormLayers.UseBatchStatistics(model);
        foreach (var p in model.parameters()) p.requires_grad = false;
        var affine = layers.SelectMany(bn => new[] { bn.weight!, bn.bias! }).ToList();
        foreach (var p in affine) p.requires_grad = true;
        _affine = affine.Select(p => (p, p.detach().clone())).ToList();
        _optimizer = NewOptimizer();
    }

    /// <summary>Entropy of each adapting pass, in order (the first step's entropy first).</summary>
    public List<double> Entropies { get; } = [];

    public Tensor Forward(DeepLabV3Plus model, Tensor input)
    {
        if (!ReferenceEquals(model, _model)) throw new InvalidOperationException("OnlineTent adapts the model it was made for.");
        if (_config.Episodic) Reset();
        using var grad = enable_grad();
        Tensor? last = null;
        for (int step = 0; step < _config.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var logits = model.call(input.detach());
            var entropy = Tent.MeanEntropy(logits);
            _optimizer.zero_grad();
            entropy.backward();
            _optimizer.step();
            Entropies.Add(entropy.item<float>());
            last?.Dispose();
            last = logits.detach().MoveToOuterDisposeScope();
        }
        return last!;
    }

    private optim.Optimizer NewOptimizer() => optim.Adam(_affine.Select(a => a.Parameter), lr: _config.LearningRate);

    /// <summary>BatchNorm's affine parameters back to the source model's, and a fresh optimizer (no moments).</summary>
    public void Reset()
    {
        using (no_grad())
            foreach (var (parameter, source) in _affine) parameter.copy_(source);
        _optimizer.Dispose();
        _optimizer = NewOptimizer();
    }

    public string Describe() => $"TENT online ({JsonSerializer.Serialize(_config)})";

    public void Dispose()
    {
        _optimizer.Dispose();
        foreach (var (_, source) in _affine) source.Dispose();
    }
}

using System.Diagnostics;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Losses;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Training;

/// <summary>Mean training loss (and its two terms) of an epoch, and how many images it saw.</summary>
public readonly record struct EpochLosses(double Loss, double CrossEntropy, double Dice, int Images);

/// <summary>
/// One pass over the training batches: optional CutMix of the batch, forward, loss, a stop on a non-finite
/// loss (naming the images), backward, clipping and an optimizer step, each step in its own dispose scope.
/// </summary>
public sealed class TrainingEpoch(RunConfig config, DeepLabV3Plus model, SegmentationLoss loss, SegmentationOptimizer optimizer,
    SegmentationLoader loader, Device device, RunDirectory run, ITrainingObserver observer)
{
    /// <summary>Unlabelled target images for <see cref="Objectives"/>, or null.</summary>
    public Adaptation.TargetImages? Target { get; init; }

    /// <summary>Domain-generalisation ingredients (input randomisation, RandConv's consistency), or null.</summary>
    public Generalisation.GeneralisationIngredients? Generalisation { get; init; }

    /// <summary>Losses on target images added at every step (domain adaptation), or null.</summary>
    public Adaptation.Objectives.TargetObjectives? Objectives { get; init; }

    // Keeps the target images a step draws apart from the batch's CutMix stream.
    private const long TargetStream = 0x7A26_E7;

    public EpochLosses Run(int epoch, CancellationToken cancellation)
    {
        model.train();
        double sum = 0, sumCe = 0, sumDice = 0;
        int steps = 0, images = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Epoch(epoch, cancellation))
        {
            using var scope = NewDisposeScope();
            if (config.CutMix is { } cutMix)
                CutMix.Apply(cutMix.Draw(SampleRandom.ForBatch(config.Seed, epoch, batch.Number), batch.Count, batch.Height, batch.Width),
                    batch.Images, batch.Masks, batch.Count, batch.Height, batch.Width);
            var tensors = batch.ToTensors(device);
            var clean = tensors.Images;
            if (Generalisation is not null) tensors = tensors with { Images = Generalisation.Randomise(clean) };
            var (x, y) = tensors;
            // This optimizer step's index over the whole run (resumed epochs included): objectives' schedules and the teacher.
            long stepIndex = (long)epoch * loader.BatchesPerEpoch + steps;
            var logits = model.forward(x);
            var terms = loss.Evaluate(logits, y);
            var total = terms.Total;
            if (Generalisation?.ExtraLoss(clean, logits) is { } consistency) total = total + consistency;
            if (Objectives is not null && Target is not null)
            {
                var random = SampleRandom.ForBatch(config.Seed ^ TargetStream, epoch, batch.Number);
                var target = Target.Batch(Target.Draw(random, batch.Count), batch.Height, batch.Width, device);
                var at = new Adaptation.Objectives.StepOfTraining(stepIndex, (long)config.Epochs * loader.BatchesPerEpoch);
                total = total + Objectives.Loss(model, tensors, target, random, at);
            }
            double value = total.item<float>();
            if (!double.IsFinite(value))
                throw new TrainingDivergedException(
                    $"{run.Name}: the loss became {value} at epoch {epoch}, step {steps} (images {string.Join(", ", batch.Ids)}). " +
                    $"The run stopped; its last good state (epoch {epoch - 1}) is kept in {run.Path}.");
            optimizer.Step(total);
            Objectives?.AfterStep(model, stepIndex);

            sum += value; sumCe += terms.CrossEntropy.item<float>(); sumDice += terms.Dice.item<float>();
            steps++; images += batch.Count;
            observer.StepCompleted(new TrainingProgress(epoch, config.Epochs, steps, loader.BatchesPerEpoch, value,
                images / clock.Elapsed.TotalSeconds, clock.Elapsed));
        }
        return new EpochLosses(sum / steps, sumCe / steps, sumDice / steps, images);
    }
}

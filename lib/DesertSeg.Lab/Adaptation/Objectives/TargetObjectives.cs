using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using DesertSeg.Lab.Models;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Adaptation.Objectives;

/// <summary>
/// The target objectives of a run, summed: every configured objective contributes its loss at every step, none is
/// dropped. Owns the mean teacher that objectives with a <see cref="TargetObjectiveConfig.TeacherAlpha"/> share
/// (DACS's pseudo-labels and MIC's masked consistency learn from the same teacher, as in MIC's reference code), updates
/// it after each optimizer step and saves it with each epoch's state, so a resumed run continues exactly.
/// </summary>
public sealed class TargetObjectives : IDisposable
{
    private readonly List<ITargetObjective> _objectives;

    private TargetObjectives(IReadOnlyList<TargetObjectiveConfig> configs, DeepLabV3Plus student)
    {
        Validate(configs);
        Configs = configs;
        _objectives = configs.Select(c => c.Create()).ToList();
        if (configs.Select(c => c.TeacherAlpha).FirstOrDefault(a => a is not null) is { } alpha)
            Teacher = new EmaTeacher(student, alpha);
    }

    /// <summary>The objectives of <paramref name="configs"/> for <paramref name="student"/> (a teacher starts as its copy),
    /// or null for none.</summary>
    public static TargetObjectives? Create(IReadOnlyList<TargetObjectiveConfig>? configs, DeepLabV3Plus student) =>
        configs is { Count: > 0 } ? new TargetObjectives(configs, student) : null;

    public IReadOnlyList<TargetObjectiveConfig> Configs { get; }

    /// <summary>The mean teacher, when an objective learns from one.</summary>
    public EmaTeacher? Teacher { get; }

    /// <summary>
    /// Refuses lists that cannot work, naming the objectives: two of one family (two self-trainings, or two entropy
    /// penalties on the same predictions), or teachers of different momentum (there is one teacher).
    /// </summary>
    /// <exception cref="ArgumentException">The list cannot be trained as it is.</exception>
    public static void Validate(IReadOnlyList<TargetObjectiveConfig>? configs)
    {
        if (configs is null) return;
        if (configs.Any(c => c is null)) throw new ArgumentException("The target objectives hold a null entry.");
        foreach (var family in configs.GroupBy(FamilyOf).Where(g => g.Count() > 1))
            throw new ArgumentException($"Target objectives {string.Join(" and ", family.Select(c => c.Label))} do the same thing " +
                $"({family.Key}) to the same target predictions: keep one of them.");
        var alphas = configs.Where(c => c.TeacherAlpha is not null).ToList();
        if (alphas.Select(c => c.TeacherAlpha).Distinct().Count() > 1)
            throw new ArgumentException(
                $"Target objectives {string.Join(" and ", alphas.Select(c => $"{c.Label} (teacher EMA {c.TeacherAlpha})"))} " +
                "share one mean teacher and must agree on its momentum.");
    }

    private static string FamilyOf(TargetObjectiveConfig config) => config.Family ?? config.GetType().Name;

    /// <summary>The sum of every objective's loss for one step, in the step's dispose scope.</summary>
    public Tensor Loss(DeepLabV3Plus student, BatchTensors source, Tensor target, SampleRandom random, StepOfTraining at)
    {
        var step = new TargetStep(student, source, target, random, at, Teacher);
        Tensor? total = null;
        foreach (var objective in _objectives)
        {
            var loss = objective.Loss(step);
            total = total is null ? loss : total + loss;
        }
        return total!;
    }

    /// <summary>After the optimizer step <paramref name="step"/> (counted from 0 over the whole run): the teacher follows the
    /// student, which has then taken step + 1 steps.</summary>
    public void AfterStep(DeepLabV3Plus student, long step) => Teacher?.Update(student, stepsTaken: step + 1);

    /// <summary>Saves the teacher into a run's epoch-state folder (nothing without one).</summary>
    public void Save(string folder) => Teacher?.Save(Path.Combine(folder, "teacher.safetensors"));

    /// <summary>Loads what <see cref="Save"/> wrote, when resuming.</summary>
    public void Load(string folder) => Teacher?.Load(Path.Combine(folder, "teacher.safetensors"));

    public void Dispose() => Teacher?.Dispose();
}

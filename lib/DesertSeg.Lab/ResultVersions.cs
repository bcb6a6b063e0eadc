namespace DesertSeg.Lab;

/// <summary>
/// The rule for reusing results: a saved result (a run, an adapted checkpoint, a score) is reused only when the code
/// that made it would make it again. Each kind of result is keyed by what determines it (configuration, input files by
/// hash, data set) and by one of these numbers. Bump a number in the same commit as a change that alters the results of
/// its kind; changes that do not (refactoring, messages, speed with equal numbers) leave them alone, so they cost no
/// retraining.
/// </summary>
public static class ResultVersions
{
    /// <summary>Training runs: the trainer, data loading and augmentation, losses, target objectives, source styles, the
    /// model and its initialisation, the synthetic generator's scenes as the trainer reads them.</summary>
    public const int Training = 2;

    /// <summary>Runs with target objectives (self-training, MIC, entropy), on top of <see cref="Training"/>: the mean
    /// teacher's update (2: DAFormer's alpha after the t-th step, issue 30). Only such runs carry it in their key, so a change
    /// here retrains them and nothing else.</summary>
    public const int TargetObjectives = 2;

    /// <summary>Adapted checkpoints: the test-time methods (AdaBN, TENT) and what they read.</summary>
    public const int TestTimeAdaptation = 1;

    /// <summary>Scores: prediction (resizing, TTA, suppression, ensembles), metrics and the scoring protocols.</summary>
    public const int Scoring = 1;

    /// <summary>The first <paramref name="hexDigits"/> lower-case hex digits of the SHA-256 of <paramref name="text"/>:
    /// how result keys are made from what determines a result.</summary>
    public static string Hash(string text, int hexDigits) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..hexDigits]
            .ToLowerInvariant();
}

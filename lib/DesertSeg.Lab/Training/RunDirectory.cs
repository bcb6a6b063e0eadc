using System.Globalization;
using System.Text;
using System.Text.Json;
using DesertSeg.Lab.Data;
using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Training;

/// <summary>
/// One training run on disk. Everything is written atomically; the resumable state of epoch k lives in
/// <c>state/epoch-k/</c> and becomes current only when <c>state/latest.json</c> names it, so a run
/// killed at any moment resumes from a consistent model + optimizer pair.
/// <code>
/// config.json          the RunConfig
/// dataset.json         data set root, fingerprint and split sizes
/// history.json/.csv    one EpochRecord per finished epoch
/// status.json          running / finished / failed, best epoch
/// checkpoints/         best.safetensors, last.safetensors (smp parameter names)
/// state/               latest.json + epoch-NNNN/{model.safetensors, optimizer.bin}; once finished, the model only
/// tensorboard/         event files
/// </code>
/// </summary>
public sealed class RunDirectory
{
    public RunDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);

    public string ConfigFile => Combine("config.json");
    public string DatasetFile => Combine("dataset.json");
    public string HistoryFile => Combine("history.json");
    public string HistoryCsvFile => Combine("history.csv");
    public string StatusFile => Combine("status.json");
    public string BestCheckpoint => Combine("checkpoints", "best.safetensors");
    public string LastCheckpoint => Combine("checkpoints", "last.safetensors");
    public string TensorBoardFolder => Combine("tensorboard");
    public string StateFolder => Combine("state");
    private string LatestStateFile => Combine("state", "latest.json");

    public bool Exists => File.Exists(ConfigFile);

    private string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public RunConfig ReadConfig()
    {
        if (!File.Exists(ConfigFile)) throw new DataFormatException(Path, "is not a run folder (no config.json).");
        try { return RunConfig.FromJson(File.ReadAllText(ConfigFile)); }
        catch (JsonException e) { throw new DataFormatException(ConfigFile, $"unreadable run configuration: {e.Message}"); }
    }

    public RunStatus? ReadStatus() => ReadJson<RunStatus>(StatusFile);

    public IReadOnlyList<EpochRecord> ReadHistory() => ReadJson<List<EpochRecord>>(HistoryFile) ?? [];

    public DatasetInfo? ReadDataset() => ReadJson<DatasetInfo>(DatasetFile);

    /// <summary>
    /// Before a resumed run trains again: how its last training ended, in words (null for a new run). A run whose status still
    /// says running ended without a word: the process was killed or died by a native signal; its last complete epoch is
    /// on disk either way.
    /// </summary>
    public string? ResumeNote() => ReadStatus() switch
    {
        { State: RunState.Interrupted } s => $"it was stopped on request after {s.EpochsDone} epoch(s); resuming from there",
        { State: RunState.Running } s => $"its last training ended without finishing or saying why after {s.EpochsDone} complete " +
            "epoch(s) (the process was killed, or died by a native signal); resuming from its last complete epoch",
        _ => null,
    };

    /// <summary>Starts a fresh run folder (config, data set) — the caller has checked it is new or to be replaced.</summary>
    public void Initialise(RunConfig config, DatasetInfo dataset)
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        Directory.CreateDirectory(Path);
        WriteJson(DatasetFile, dataset);
        AtomicFile.WriteAllText(ConfigFile, config.ToJson());
    }

    public void WriteStatus(RunStatus status) => WriteJson(StatusFile, status);

    public void WriteHistory(IReadOnlyList<EpochRecord> history)
    {
        WriteJson(HistoryFile, history);
        AtomicFile.WriteAllText(HistoryCsvFile, HistoryCsv(history));
    }

    /// <summary>The last epoch whose complete state was saved, or null when none was.</summary>
    public int? LatestStateEpoch() => ReadJson<LatestState>(LatestStateFile)?.Epoch;

    public string StateModelFile(int epoch) => Combine("state", $"epoch-{epoch:D4}", "model.safetensors");
    public string StateOptimizerFile(int epoch) => Combine("state", $"epoch-{epoch:D4}", "optimizer.bin");

    /// <summary>The folder of epoch <paramref name="epoch"/>'s resumable state.</summary>
    public string StateFolderOf(int epoch) => Combine("state", $"epoch-{epoch:D4}");

    /// <summary>Makes epoch <paramref name="epoch"/>'s state current (its files must be complete) and drops older states, all
    /// but their models when <paramref name="keepEarlierModels"/>.</summary>
    public void CommitState(int epoch, bool keepEarlierModels = false)
    {
        WriteJson(LatestStateFile, new LatestState(epoch));
        foreach (var dir in Directory.EnumerateDirectories(StateFolder, "epoch-*"))
        {
            if (System.IO.Path.GetFileName(dir) == $"epoch-{epoch:D4}") continue;
            if (!keepEarlierModels) { Directory.Delete(dir, recursive: true); continue; }
            string model = System.IO.Path.Combine(dir, "model.safetensors");
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => f != model)) File.Delete(file);
            foreach (var sub in Directory.EnumerateDirectories(dir)) Directory.Delete(sub, recursive: true);
        }
    }

    /// <summary>True when the model of every epoch in the history is kept (<see cref="TrainingOptions.KeepEpochModels"/>).</summary>
    public bool KeptEveryEpochModel()
    {
        var history = ReadHistory();
        return history.Count > 0 && history.All(r => File.Exists(StateModelFile(r.Epoch)));
    }

    /// <summary>
    /// A finished run is never resumed (it is reused as it is), so everything of its last state but the model (the
    /// optimizer's moments, twice the model's size; a teacher) is dropped: a run then costs one or two model files of
    /// disk instead of five. The trainer does not even write them for the last epoch; this removes what a run finished
    /// before that rule, or finished again after a crash, still holds.
    /// </summary>
    public void ReleaseResumeState()
    {
        if (LatestStateEpoch() is not { } epoch) return;
        string keep = StateModelFile(epoch);
        foreach (var file in Directory.EnumerateFiles(StateFolderOf(epoch)).Where(f => f != keep)) File.Delete(file);
        foreach (var dir in Directory.EnumerateDirectories(StateFolderOf(epoch))) Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// Saves epoch <paramref name="epoch"/>'s resumable state (model and optimizer), then updates the user-facing
    /// checkpoints (last, and best when <paramref name="best"/>), then makes the state current. Without an optimizer (the
    /// run ends with this epoch) only the model is saved.
    /// </summary>
    public void SaveEpochState(Models.DeepLabV3Plus model, SegmentationOptimizer? optimizer, int epoch, bool best,
        Action<string>? saveMore = null, bool keepEarlierModels = false)
    {
        string modelFile = StateModelFile(epoch);
        Checkpoints.ModelCheckpoints.ExportSafetensors(model, modelFile);
        if (optimizer is not null) AtomicFile.WriteThroughTempPath(StateOptimizerFile(epoch), optimizer.Save);
        saveMore?.Invoke(StateFolderOf(epoch)); // e.g. a self-training teacher: part of the state, before it is committed
        // last and best are second names of the state model (hard links where possible): same bytes, no more disk.
        if (best) FileLinks.LinkOrCopy(modelFile, BestCheckpoint);
        FileLinks.LinkOrCopy(modelFile, LastCheckpoint);
        CommitState(epoch, keepEarlierModels);
    }

    private sealed record LatestState(int Epoch);

    private T? ReadJson<T>(string file)
    {
        if (!File.Exists(file)) return default;
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(file), RunConfig.Json); }
        catch (JsonException e) { throw new DataFormatException(file, $"unreadable: {e.Message}"); }
    }

    private static void WriteJson<T>(string file, T value) =>
        AtomicFile.WriteAllText(file, JsonSerializer.Serialize(value, RunConfig.Json));

    private static string HistoryCsv(IReadOnlyList<EpochRecord> history)
    {
        var csv = new StringBuilder("epoch,train_loss,train_ce,train_dice,val_loss,val_miou,val_pixel_acc,test_miou," +
            "lr_encoder,lr_decoder,lr_head,encoder_frozen,best,seconds,images_per_s");
        int classes = history.Count > 0 ? history[0].ValClassIoU.Count : 0;
        for (int c = 0; c < classes; c++) csv.Append(",val_iou_").Append(c);
        csv.Append('\n');
        string F(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        foreach (var r in history)
        {
            csv.AppendJoin(',', r.Epoch, F(r.TrainLoss), F(r.TrainCrossEntropy), F(r.TrainDice), F(r.ValLoss), F(r.ValMeanIoU),
                F(r.ValPixelAccuracy), F(r.TestMeanIoU), F(r.EncoderLr), F(r.DecoderLr), F(r.HeadLr), r.EncoderFrozen, r.Best,
                F(r.Seconds), F(r.ImagesPerSecond));
            foreach (var iou in r.ValClassIoU) csv.Append(',').Append(F(iou));
            csv.Append('\n');
        }
        return csv.ToString();
    }
}

/// <summary>The data a run was trained on.</summary>
public sealed record DatasetInfo(string Root, string Fingerprint, IReadOnlyDictionary<string, int> SplitSizes);

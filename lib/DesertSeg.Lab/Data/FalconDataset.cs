namespace DesertSeg.Lab.Data;

/// <summary>
/// A data set on disk, found by its layout. Three layouts are understood:
/// the Falcon layout (train/val/test), a plain folder holding Color_Images (+ Segmentation), and a
/// folder of images alone (for prediction). Image and mask are paired by file name without extension.
/// </summary>
public sealed class FalconDataset
{
    private FalconDataset(string root, IReadOnlyList<DataSplit> splits)
    {
        Root = root;
        Splits = splits;
    }

    public string Root { get; }

    public IReadOnlyList<DataSplit> Splits { get; }

    public bool HasSplit(string name) => Splits.Any(s => s.Name == name);

    /// <summary>The split of that name; the message lists the splits there are.</summary>
    public DataSplit this[string name] =>
        Splits.FirstOrDefault(s => s.Name == name)
        ?? throw new DataFormatException(Root,
            $"no '{name}' split here. Splits found: {string.Join(", ", Splits.Select(s => s.Name))}.");

    /// <summary>Discovers the splits under <paramref name="root"/>; a missing or unrecognised folder raises
    /// <see cref="DataFormatException"/>.</summary>
    public static FalconDataset Open(string root)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new DataFormatException(root, File.Exists(root) ? "is a file; expected a data set folder." : "folder not found.");

        var splits = new List<DataSplit>();
        foreach (var (name, relative) in FalconLayout.SplitFolders)
        {
            string folder = Path.Combine(root, relative);
            if (Directory.Exists(folder)) splits.Add(ScanSplit(name, folder));
        }
        if (splits.Count == 0)
        {
            // A split folder of its own (…/train), or a bare folder of images.
            if (Directory.Exists(Path.Combine(root, FalconLayout.Images)))
                splits.Add(ScanSplit(SplitNameOf(root), root));
            else if (Directory.EnumerateFiles(root).Any(ImageFilesFilter))
                splits.Add(ScanImageOnly(SplitNameOf(root), root));
        }
        if (splits.Count == 0)
            throw new DataFormatException(root, $"no data set found: {FalconLayout.Description}.");

        foreach (var split in splits)
            if (split.Pairs.Count == 0 && split.ImagesWithoutMask.Count == 0 && split.MasksWithoutImage.Count == 0)
                throw new DataFormatException(split.ImageFolder, $"split '{split.Name}' is empty: no .png/.jpg images.");
        return new FalconDataset(root, splits);
    }

    private static string SplitNameOf(string folder)
    {
        string name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return name.Equals(FalconLayout.Images, StringComparison.OrdinalIgnoreCase)
            ? Path.GetFileName(Path.GetDirectoryName(folder)) ?? name
            : name;
    }

    private static bool ImageFilesFilter(string path) => IO.ImageFiles.IsImageFile(path);

    private static DataSplit ScanSplit(string name, string folder)
    {
        string images = Path.Combine(folder, FalconLayout.Images);
        string masks = Path.Combine(folder, FalconLayout.Masks);
        if (!Directory.Exists(images))
            throw new DataFormatException(folder, $"no {FalconLayout.Images} folder in split '{name}'.");
        if (!Directory.Exists(masks)) return ScanImageOnly(name, images);

        var imageById = FilesById(images);
        var maskById = FilesById(masks);
        var pairs = imageById.Where(kv => maskById.ContainsKey(kv.Key))
            .Select(kv => new SamplePair(kv.Key, kv.Value, maskById[kv.Key]))
            .ToList();
        var lonelyImages = imageById.Where(kv => !maskById.ContainsKey(kv.Key)).Select(kv => kv.Value).ToList();
        var lonelyMasks = maskById.Where(kv => !imageById.ContainsKey(kv.Key)).Select(kv => kv.Value).ToList();
        return new DataSplit(name, images, masks, pairs, lonelyImages, lonelyMasks);
    }

    private static DataSplit ScanImageOnly(string name, string folder)
    {
        var pairs = FilesById(folder).Select(kv => new SamplePair(kv.Key, kv.Value, null)).ToList();
        return new DataSplit(name, folder, null, pairs, [], []);
    }

    /// <summary>Image files of a folder keyed by name without extension, in ordinal order (stable across machines).</summary>
    private static SortedDictionary<string, string> FilesById(string folder)
    {
        var byId = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder).Where(ImageFilesFilter))
        {
            string id = Path.GetFileNameWithoutExtension(file);
            if (!byId.TryAdd(id, file))
                throw new DataFormatException(file,
                    $"two files share the name '{id}' in {folder} ({Path.GetFileName(byId[id])} too); pairing would be ambiguous.");
        }
        return byId;
    }
}

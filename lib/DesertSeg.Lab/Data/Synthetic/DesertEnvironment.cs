namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>How the rocks of an environment look.</summary>
public enum RockStyle
{
    /// <summary>Small grey, weathered boulders with green moss, often beside shrubs (the training desert).</summary>
    MossyGrey,

    /// <summary>Brown layered sandstone: outcrops at mid-distance, boulders and flat slab fields (the test desert).</summary>
    LayeredSandstone,
}

/// <summary>How the trees of an environment look.</summary>
public enum TreeStyle
{
    /// <summary>Trunk with a full, leafy canopy.</summary>
    FullCanopy,

    /// <summary>Sparse scrubby desert trees: a thin trunk and a few bare arms with leaf tufts at their tips.</summary>
    Scrub,
}

/// <summary>
/// One simulated desert: palette, lighting, camera range, and how many objects of each class a scene
/// holds. Counts are means per image over the visible ground (placed uniformly on the ground plane, so
/// they shrink and crowd toward the horizon). <see cref="Training"/> and <see cref="Test"/> differ as the
/// report's two Falcon environments do.
/// </summary>
public sealed record DesertEnvironment(string Name)
{
    // Camera and sky
    /// <summary>Range of the share of the frame above the horizon (at the image centre).</summary>
    public float SkyFractionMin { get; init; } = 0.2f;
    public float SkyFractionMax { get; init; } = 0.6f;
    public float MaxRollDegrees { get; init; } = 5f;
    public float CameraHeightMin { get; init; } = 1.2f;
    public float CameraHeightMax { get; init; } = 3.0f;
    public Rgb SkyZenith { get; init; } = new(95, 145, 210);
    public Rgb SkyHorizon { get; init; } = new(200, 202, 208);
    public float CloudCoverMin { get; init; } = 0.1f;
    public float CloudCoverMax { get; init; } = 0.5f;
    /// <summary>Colour far ground fades to (aerial perspective).</summary>
    public Rgb Haze { get; init; } = new(172, 168, 172);
    /// <summary>Height of distant hills above the horizon, as a share of the frame height.</summary>
    public float HillHeight { get; init; } = 0.08f;
    public Rgb HillColor { get; init; } = new(150, 130, 110);

    // Lighting
    public float ExposureMean { get; init; } = 1.0f;
    public float ExposureSpread { get; init; } = 0.08f;

    // Terrain (Landscape) and dry grass
    public Rgb GroundLight { get; init; } = new(224, 144, 68);
    public Rgb GroundDark { get; init; } = new(182, 106, 48);
    /// <summary>A second ground tint mixed in by low-frequency noise (green moss in training, red dirt in test).</summary>
    public Rgb GroundAccent { get; init; } = new(150, 135, 78);
    public float GroundAccentAmount { get; init; } = 0.3f;
    public Rgb GrassLight { get; init; } = new(214, 146, 52);
    public Rgb GrassDark { get; init; } = new(126, 76, 24);
    /// <summary>Share of the ground the dry-grass field covers (a threshold on ground-plane noise).</summary>
    public float GrassCover { get; init; } = 0.18f;
    /// <summary>Upright grass tufts per image.</summary>
    public float GrassTufts { get; init; } = 600;

    // Vegetation
    public float LushBushes { get; init; } = 60;
    public Rgb LushBushColor { get; init; } = new(70, 110, 40);
    public float LushBushSize { get; init; } = 0.7f;
    public float DryBushes { get; init; } = 25;
    public Rgb DryBushColor { get; init; } = new(130, 100, 55);
    public float DryBushSize { get; init; } = 0.5f;
    public float Trees { get; init; } = 4;
    public TreeStyle TreeStyle { get; init; } = TreeStyle.FullCanopy;
    public Rgb TreeColor { get; init; } = new(55, 85, 35);
    public Rgb TrunkColor { get; init; } = new(90, 70, 50);
    public float TreeHeight { get; init; } = 4f;

    // Rocks
    public RockStyle RockStyle { get; init; } = RockStyle.MossyGrey;
    public float Rocks { get; init; } = 30;
    public float RockSize { get; init; } = 0.35f;
    public Rgb RockLight { get; init; } = new(150, 148, 140);
    public Rgb RockDark { get; init; } = new(95, 95, 92);
    /// <summary>Share of a rock's surface covered with moss.</summary>
    public float Moss { get; init; } = 0.3f;
    /// <summary>Probability that a lush bush has a rock beside it.</summary>
    public float RockNearBush { get; init; } = 0.3f;
    /// <summary>Large layered outcrops per image (sandstone only).</summary>
    public float Outcrops { get; init; } = 0;
    /// <summary>Flat fields of broken rock slabs per image (sandstone only).</summary>
    public float SlabFields { get; init; } = 0;

    /// <summary>
    /// Pitting of sandstone surfaces (0 = smooth, 1 = full): a broken, speckled skin of chips, pits and loose
    /// grit at the scale of the debris in ground-clutter patches (weathered, crumbling sandstone).
    /// </summary>
    public float RockSpeckle { get; init; } = 0;

    // Training-only classes
    public float ClutterPatches { get; init; } = 0;
    /// <summary>Colours of the broken stone chips that ground clutter is made of (brown sandstone debris).</summary>
    public Rgb ClutterLight { get; init; } = new(152, 102, 80);
    public Rgb ClutterDark { get; init; } = new(92, 60, 46);
    /// <summary>Range of the size of one clutter chip, in metres (pebbles to slab fragments).</summary>
    public float ClutterChipMin { get; init; } = 0.1f;
    public float ClutterChipMax { get; init; } = 0.35f;
    /// <summary>Heaps of broken sandstone blocks per image, also ground clutter (small boulder scale).</summary>
    public float DebrisHeaps { get; init; } = 0;
    /// <summary>Mounds of collapsed sandstone at mid-distance per image, also ground clutter (outcrop scale, lower).</summary>
    public float RubbleMounds { get; init; } = 0;
    public float FlowerPatches { get; init; } = 0;
    public float LogChance { get; init; } = 0;

    /// <summary>
    /// The training desert: bright sandy ground, green lush shrubs, full-canopy trees, small grey mossy
    /// rocks near the shrubs, ground clutter of broken brown sandstone debris (chips, flakes and grit on the
    /// ground, heaps of blocks, and mounds of collapsed ledges at mid-distance: the stone the test desert's rocks
    /// are made of, at their scale, which is why a model trained here calls those rocks clutter), pink and
    /// yellow flower patches, an occasional log.
    /// </summary>
    public static DesertEnvironment Training { get; } = new("training")
    {
        ExposureMean = 1.04f,
        GrassCover = 0.12f,
        GrassTufts = 500,
        LushBushes = 195,
        LushBushSize = 0.9f,
        DryBushes = 95,
        DryBushSize = 0.6f,
        Trees = 24,
        TreeHeight = 5.5f,
        Rocks = 50,
        RockSize = 0.42f,
        RockNearBush = 0.25f,
        ClutterPatches = 25,
        DebrisHeaps = 12,
        RubbleMounds = 1.6f,
        FlowerPatches = 65,
        LogChance = 0.55f,
    };

    /// <summary>
    /// The test desert: darker, browner, large layered sandstone outcrops and slab fields, sparse scrubby
    /// trees, dry bushes, no lush shrubs, clutter, flowers or logs; a lower horizon (less sky). The sandstone
    /// is weathered: its surface crumbles into chips and grit like the training desert's clutter.
    /// </summary>
    public static DesertEnvironment Test { get; } = new("test")
    {
        SkyFractionMin = 0.1f,
        SkyFractionMax = 0.37f,
        MaxRollDegrees = 3f,
        SkyZenith = new(85, 130, 200),
        SkyHorizon = new(175, 195, 220),
        Haze = new(120, 140, 190),
        HillHeight = 0.03f,
        ExposureMean = 0.97f,
        HillColor = new(120, 100, 90),
        GroundLight = new(160, 130, 114),
        GroundDark = new(128, 96, 76),
        GroundAccent = new(150, 106, 88),
        GroundAccentAmount = 0.35f,
        GrassLight = new(140, 108, 72),
        GrassDark = new(70, 50, 32),
        GrassCover = 0.05f,
        GrassTufts = 350,
        LushBushes = 0.3f,
        LushBushSize = 0.2f,
        DryBushes = 270,
        DryBushSize = 0.6f,
        DryBushColor = new(105, 80, 50),
        Trees = 11,
        TreeStyle = TreeStyle.Scrub,
        TreeColor = new(70, 95, 50),
        TrunkColor = new(85, 70, 55),
        TreeHeight = 4f,
        RockStyle = RockStyle.LayeredSandstone,
        Rocks = 40,
        RockSize = 0.6f,
        RockLight = new(190, 125, 90),
        RockDark = new(120, 75, 55),
        Moss = 0,
        RockNearBush = 0,
        Outcrops = 2.0f,
        SlabFields = 14,
        RockSpeckle = 1,
    };
}

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Randomised training deserts for multi-environment training (report 8.3, 8.4): variations of
/// <see cref="DesertEnvironment.Training"/> with other palettes (ground, grass, sky, light), other rock types
/// (grey mossy boulders or layered sandstone, in random tints, with or without outcrops and slab fields) and other
/// vegetation (amounts, tree style). Ground clutter, flowers and logs stay, as in any training desert. Every draw
/// comes from its own seed; none is the test environment (whose palette and rocks are fixed values that a random
/// draw does not hit).
/// </summary>
public static class RandomisedEnvironments
{
    /// <summary>
    /// The environment of training scene environments[<paramref name="index"/>] among <paramref name="count"/>: index 0 is
    /// the training desert itself, the others are drawn from (<paramref name="seed"/>, index).
    /// </summary>
    public static DesertEnvironment Get(int index, int count, int seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"At least one environment, got {count}.");
        if (index == 0) return DesertEnvironment.Training;
        var rng = new Rng(Rng.Mix(seed, 0xE4, index));
        var t = DesertEnvironment.Training;
        Rgb Tint(Rgb c, float spread)
        {
            // Brightness and a per-channel shift: another sand, another light.
            float gain = rng.Range(1 - spread, 1 + spread);
            byte Channel(byte v) => (byte)Math.Clamp(v * gain + rng.Range(-40 * spread, 40 * spread), 0, 255);
            return new Rgb(Channel(c.R), Channel(c.G), Channel(c.B));
        }
        bool sandstone = rng.Chance(0.5f);
        // Rock tint: from grey to red-brown, at a random brightness.
        float warm = rng.Range(0, 1), bright = rng.Range(0.7f, 1.25f);
        var rockLight = new Rgb((byte)Math.Clamp((150 + 50 * warm) * bright, 0, 255), (byte)Math.Clamp((148 - 15 * warm) * bright, 0, 255),
            (byte)Math.Clamp((140 - 50 * warm) * bright, 0, 255));
        var rockDark = new Rgb((byte)(rockLight.R * 0.63f), (byte)(rockLight.G * 0.62f), (byte)(rockLight.B * 0.62f));
        return t with
        {
            Name = $"training-random-{index}",
            SkyFractionMin = rng.Range(0.12f, 0.3f),
            SkyFractionMax = rng.Range(0.4f, 0.6f),
            SkyZenith = Tint(t.SkyZenith, 0.1f),
            Haze = Tint(t.Haze, 0.15f),
            ExposureMean = rng.Range(0.9f, 1.08f),
            GroundLight = Tint(t.GroundLight, 0.2f),
            GroundDark = Tint(t.GroundDark, 0.2f),
            GroundAccent = Tint(t.GroundAccent, 0.25f),
            GrassLight = Tint(t.GrassLight, 0.2f),
            GrassDark = Tint(t.GrassDark, 0.2f),
            GrassCover = t.GrassCover * rng.Range(0.5f, 1.5f),
            LushBushes = t.LushBushes * rng.Range(0.3f, 1.2f),
            DryBushes = t.DryBushes * rng.Range(0.5f, 3f),
            Trees = t.Trees * rng.Range(0.4f, 1.3f),
            TreeStyle = rng.Chance(0.5f) ? TreeStyle.FullCanopy : TreeStyle.Scrub,
            RockStyle = sandstone ? RockStyle.LayeredSandstone : RockStyle.MossyGrey,
            RockLight = rockLight,
            RockDark = rockDark,
            RockSize = rng.Range(0.3f, 0.6f),
            Rocks = t.Rocks * rng.Range(0.7f, 1.5f),
            Moss = sandstone ? 0 : rng.Range(0, 0.4f),
            RockNearBush = sandstone ? 0 : t.RockNearBush,
            Outcrops = sandstone ? rng.Range(0, 1.5f) : 0,
            SlabFields = sandstone ? rng.Range(0, 8f) : 0,
            RockSpeckle = sandstone ? rng.Range(0, 1f) : 0,
        };
    }
}

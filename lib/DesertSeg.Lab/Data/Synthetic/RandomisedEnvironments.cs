namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Factors of the test environment that randomised training deserts must never show, so that a gain from diversity
/// cannot come from having seen the test desert's own kind of thing (a held-out-factor control).
/// </summary>
[Flags]
public enum HeldOutFactors
{
    None = 0,

    /// <summary>The test desert's rocks: layered sandstone, outcrops, slab fields and speckle.</summary>
    TestRockStyle = 1,

    /// <summary>The test desert's palette: no ground or rock colour within <see cref="RandomisedEnvironments.PaletteDistance"/>
    /// (RGB) of the test's.</summary>
    TestPalette = 2,
}

/// <summary>
/// Randomised training deserts for multi-environment training (report 8.3, 8.4): variations of
/// <see cref="DesertEnvironment.Training"/> with other palettes (ground, grass, sky, light), other rock types
/// (grey mossy boulders or layered sandstone, in random tints, with or without outcrops and slab fields) and other
/// vegetation (amounts, tree style). Ground clutter, flowers and logs stay, as in any training desert. Every draw
/// comes from its own seed; none is the test environment itself, but without held-out factors half of them have the
/// test desert's KIND of rocks (layered sandstone) in tints that include its own: training on them measures coverage
/// of the test's factors, not generalisation to unseen ones. <see cref="HeldOutFactors"/> keeps factors out.
/// </summary>
public static class RandomisedEnvironments
{
    /// <summary>
    /// The environment of training scene environments[<paramref name="index"/>] among <paramref name="count"/>: index 0 is
    /// the training desert itself, the others are drawn from (<paramref name="seed"/>, index).
    /// </summary>
    /// <param name="heldOut">Factors of the test environment no draw may show.</param>
    public static DesertEnvironment Get(int index, int count, int seed, HeldOutFactors heldOut = HeldOutFactors.None)
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
        // Drawn whatever is held out, so that holding a factor out changes nothing else of the draw.
        bool sandstone = rng.Chance(0.5f) && !heldOut.HasFlag(HeldOutFactors.TestRockStyle);
        // Rock tint: from grey to red-brown, at a random brightness.
        float warm = rng.Range(0, 1), bright = rng.Range(0.7f, 1.25f);
        var rockLight = new Rgb((byte)Math.Clamp((150 + 50 * warm) * bright, 0, 255), (byte)Math.Clamp((148 - 15 * warm) * bright, 0, 255),
            (byte)Math.Clamp((140 - 50 * warm) * bright, 0, 255));
        var rockDark = new Rgb((byte)(rockLight.R * 0.63f), (byte)(rockLight.G * 0.62f), (byte)(rockLight.B * 0.62f));
        var environment = t with
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
        if (!heldOut.HasFlag(HeldOutFactors.TestPalette)) return environment;
        var test = DesertEnvironment.Test;
        return environment with
        {
            GroundLight = AwayFrom(environment.GroundLight, test.GroundLight),
            GroundDark = AwayFrom(environment.GroundDark, test.GroundDark),
            RockLight = AwayFrom(environment.RockLight, test.RockLight),
            RockDark = AwayFrom(environment.RockDark, test.RockDark),
        };
    }

    /// <summary>How far (Euclidean RGB) a held-out palette keeps every ground and rock colour from the test's.</summary>
    public const float PaletteDistance = 40;

    /// <summary><paramref name="colour"/>, or the nearest colour on the line away from <paramref name="test"/> that is
    /// <see cref="PaletteDistance"/> from it (the other way when the range of a channel stops it).</summary>
    public static Rgb AwayFrom(Rgb colour, Rgb test)
    {
        float dr = colour.R - test.R, dg = colour.G - test.G, db = colour.B - test.B;
        float distance = MathF.Sqrt(dr * dr + dg * dg + db * db);
        if (distance >= PaletteDistance) return colour;
        if (distance < 1e-3f) (dr, dg, db, distance) = (1, 1, 1, MathF.Sqrt(3));
        foreach (float sign in new[] { 1f, -1f })
        {
            float k = sign * (PaletteDistance + 1) / distance;
            float r = test.R + dr * k, g = test.G + dg * k, b = test.B + db * k;
            if (r is >= 0 and <= 255 && g is >= 0 and <= 255 && b is >= 0 and <= 255)
                return new Rgb((byte)MathF.Round(r), (byte)MathF.Round(g), (byte)MathF.Round(b));
        }
        throw new InvalidOperationException($"No colour {PaletteDistance} from {test} along the way from {colour}.");
    }
}

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// Flat things lying on the ground, evaluated per pixel in ground-plane coordinates (so perspective
/// squashes them correctly): ground clutter (broken brown stone debris: chips, flakes, grit), flower
/// patches, and fields of broken sandstone slabs.
/// </summary>
internal static class GroundPatchPainter
{
    public enum Kind { Clutter, Flowers, Slabs }

    public static void Paint(SceneContext s, float gx, float depth, float radius, Kind kind, Rng rng)
    {
        var cam = s.Camera;
        var cv = s.Canvas;
        // Image bounding box from the ground square around the patch.
        float zn = Math.Max(0.3f, depth - radius * 1.3f), zf = depth + radius * 1.3f;
        var (ax, ay) = cam.Project(gx - radius * 1.3f, zn);
        var (bx, _) = cam.Project(gx + radius * 1.3f, zn);
        var (_, fy) = cam.Project(gx, zf);
        var (cx2, _) = cam.Project(gx - radius * 1.3f, zf);
        var (dx2, _) = cam.Project(gx + radius * 1.3f, zf);
        float slack = Math.Abs(cam.Slope) * Math.Abs(bx - ax) + 1;
        int x0 = Math.Max(0, (int)Math.Min(ax, cx2)), x1 = Math.Min(cv.Width - 1, (int)Math.Max(bx, dx2) + 1);
        int y0 = Math.Max(0, (int)(fy - slack)), y1 = Math.Min(cv.Height - 1, (int)(ay + slack) + 1);
        if (x1 < x0 || y1 < y0) return;
        if ((ay - fy) < 0.7f && (bx - ax) < 1.5f) return;

        var env = s.Env;
        uint seed = (uint)rng.NextULong();
        float cell = kind switch
        {
            Kind.Clutter => rng.Range(env.ClutterChipMin, env.ClutterChipMax),
            Kind.Flowers => rng.Range(0.06f, 0.1f),
            _ => rng.Range(0.3f, 0.7f),
        };
        float fill = kind switch
        {
            Kind.Clutter => rng.Range(0.6f, 0.9f),
            Kind.Flowers => rng.Range(0.35f, 0.7f),
            _ => rng.Range(0.55f, 0.85f)
        };
        var rockLight = Vec3.Of(env.RockLight);
        var rockDark = Vec3.Of(env.RockDark);
        var stoneLight = Vec3.Of(env.ClutterLight) * rng.Range(0.85f, 1.1f);
        var stoneDark = Vec3.Of(env.ClutterDark) * rng.Range(0.85f, 1.1f);
        var grit = Vec3.Lerp(stoneDark, stoneLight, 0.35f) * 0.85f;
        float twigAngle = rng.Range(0, MathF.PI);
        float tcos = MathF.Cos(twigAngle), tsin = MathF.Sin(twigAngle);
        var leafy = new Vec3(85, 105, 45) * rng.Range(0.85f, 1.15f);
        var pink = new Vec3(225, 110, 170);
        var yellow = new Vec3(235, 205, 70);
        float pinkShare = rng.Range(0.2f, 0.8f);

        var (centreX, _) = cam.Project(gx, depth);
        for (int y = y0; y <= y1; y++)
        {
            // Rows whose ground lies outside the patch's depth range, and columns beyond its width, are skipped.
            float rowDepth = cam.DepthAt(cam.Below(centreX, y));
            if (MathF.Abs(rowDepth - depth) > radius * 1.6f + rowDepth * 0.1f) continue;
            float halfPx = cam.Focal * radius * 1.4f / rowDepth + 2;
            int xa = Math.Max(x0, (int)(centreX - halfPx)), xb = Math.Min(x1, (int)(centreX + halfPx));
            for (int x = xa; x <= xb; x++)
            {
                float below = cam.Below(x, y);
                if (below < 0.5f) continue;
                var (px, pz) = cam.Unproject(x, y);
                float lx = px - gx, lz = pz - depth;
                float rr = (lx * lx + lz * lz) / (radius * radius);
                if (rr > 1.3f) continue;
                float edge = 0.55f + 0.6f * Noise.Value(px * 1.3f / radius * 2, pz * 1.3f / radius * 2, seed);
                if (rr > edge) continue;
                float footprint = pz * pz / (cam.Focal * cam.HeightMetres);
                var (f1, f2, id) = Cellular.Eval(px / cell, pz / cell, seed + 1);
                Vec3 c;
                ushort label;
                switch (kind)
                {
                    case Kind.Slabs:
                    {
                        // Broken flat slabs; the gaps between them stay ground.
                        if (id > fill || f2 - f1 < 0.08f + 0.1f * Noise.Value(px * 3, pz * 3, seed + 2)) continue;
                        float rim = Math.Clamp((f2 - f1) * 3, 0, 1);
                        c = Vec3.Lerp(rockDark, rockLight, 0.3f + 0.6f * Noise.White((int)(id * 1e6f), 1, seed)) * (0.75f + 0.3f * rim);
                        c *= 0.9f + 0.15f * Noise.Value(px * 8, pz * 8, seed + 3);
                        c *= RockPainter.Crumble(env.RockSpeckle, px, pz, x, y, seed + 10);
                        label = Labels.Rocks;
                        break;
                    }
                    case Kind.Clutter:
                    {
                        // Broken stone debris: angular chips and flakes of brown sandstone lying on grit, with
                        // a few twigs; the whole patch is clutter.
                        float gap = f2 - f1;
                        if (id < fill && gap > 0.05f + 0.06f * Noise.Value(px * 4, pz * 4, seed + 2))
                        {
                            float rim = Math.Clamp(gap * 3, 0, 1);
                            float tone = Noise.White((int)(id * 1e6f), 3, seed);
                            // Bedding inside a chip: thin light and dark layers.
                            float bed = Noise.Value((pz + px * 0.3f) / cell * 3f, id * 50, seed + 8);
                            c = Vec3.Lerp(stoneDark, stoneLight, 0.2f + 0.7f * tone) * (0.72f + 0.33f * rim) * (0.85f + 0.3f * bed);
                        }
                        else
                        {
                            // Grit between the chips: small pebbles and dark twigs in a random direction.
                            var (g1, _, gid) = Cellular.Eval(px / cell * 3.5f, pz / cell * 3.5f, seed + 9);
                            float u = (px * tcos + pz * tsin) / cell, w = (pz * tcos - px * tsin) / cell;
                            float twig = Noise.Value(u * 0.4f, w * 4f, seed + 4);
                            c = grit * (0.8f + 0.3f * Noise.Value(px / cell * 2.5f, pz / cell * 2.5f, seed + 5));
                            if (g1 < 0.35f) c = Vec3.Lerp(stoneDark, stoneLight, gid) * (1.05f - 0.6f * g1);
                            if (twig > 0.78f) c = grit * 0.5f;
                        }
                        // Speckle of sand grains and pits.
                        c *= 0.86f + 0.28f * Noise.White(x, y, seed + 6);
                        label = Labels.GroundClutter;
                        break;
                    }
                    default:
                    {
                        // Low leaves with pink and yellow flower heads.
                        float leaf = Noise.Value(px / cell * 1.5f, pz / cell * 1.5f, seed + 5);
                        c = leafy * (0.6f + 0.6f * leaf);
                        if (id < fill && f1 < 0.38f)
                        {
                            var petal = Noise.White((int)(id * 1e6f), 4, seed) < pinkShare ? pink : yellow;
                            c = petal * (1.05f - 0.6f * f1);
                        }
                        label = Labels.Flowers;
                        break;
                    }
                }
                cv.Set(x, y, label, s.Fog(c, pz));
            }
        }
    }
}

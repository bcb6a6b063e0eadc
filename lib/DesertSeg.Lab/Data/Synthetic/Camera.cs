namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// A pinhole camera above a flat ground plane, possibly rolled a little: it maps ground points
/// (lateral X, depth Z in metres) to pixels and back, so that objects shrink and crowd toward the horizon.
/// </summary>
internal sealed class Camera
{
    public Camera(int width, int height, float horizonY, float roll, float heightMetres, float focal)
    {
        Width = width;
        Height = height;
        HorizonY = horizonY;
        Slope = MathF.Tan(roll);
        HeightMetres = heightMetres;
        Focal = focal;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Row of the horizon at the image centre.</summary>
    public float HorizonY { get; }

    /// <summary>Horizon rows per column (tangent of the roll angle).</summary>
    public float Slope { get; }

    public float HeightMetres { get; }
    public float Focal { get; }

    public float Horizon(float x) => HorizonY + Slope * (x - Width * 0.5f);

    /// <summary>Rows below the horizon at a pixel (negative above it).</summary>
    public float Below(float x, float y) => y - Horizon(x);

    /// <summary>Depth in metres of the ground seen at a pixel row distance below the horizon.</summary>
    public float DepthAt(float below) => Focal * HeightMetres / Math.Max(below, 0.25f);

    /// <summary>Pixels per metre of an upright object standing at that row distance below the horizon.</summary>
    public float Scale(float below) => below / HeightMetres;

    /// <summary>Projects a ground point to its image position.</summary>
    public (float X, float Y) Project(float groundX, float depth)
    {
        float x = Width * 0.5f + Focal * groundX / depth;
        float below = Focal * HeightMetres / depth;
        // Roll moves the horizon; the ground point sits 'below' rows under it, measured vertically.
        return (x, Horizon(x) + below);
    }

    /// <summary>Half of the lateral ground width the camera sees at a depth, in metres.</summary>
    public float HalfWidthAt(float depth) => depth * Width * 0.5f / Focal;

    /// <summary>Ground-plane coordinates of a pixel below the horizon.</summary>
    public (float GroundX, float Depth) Unproject(float x, float y)
    {
        float depth = DepthAt(Below(x, y));
        return ((x - Width * 0.5f) * depth / Focal, depth);
    }
}

namespace DesertSeg.Lab.Data.Synthetic;

/// <summary>
/// A smooth scalar field sampled every <see cref="Step"/> pixels and bilinearly interpolated in between:
/// a cheap stand-in for evaluating slowly varying noise at every pixel.
/// </summary>
internal sealed class CoarseField
{
    public const int Step = 4;
    private readonly float[] _grid;
    private readonly int _cols;

    public CoarseField(int width, int height, Func<float, float, float> field)
    {
        _cols = width / Step + 2;
        int rows = height / Step + 2;
        _grid = new float[_cols * rows];
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < _cols; i++)
                _grid[j * _cols + i] = field(i * Step, j * Step);
    }

    public float At(int x, int y)
    {
        int i = x / Step, j = y / Step;
        float tx = (x - i * Step) * (1f / Step), ty = (y - j * Step) * (1f / Step);
        int k = j * _cols + i;
        float a = _grid[k], b = _grid[k + 1], c = _grid[k + _cols], d = _grid[k + _cols + 1];
        float top = a + (b - a) * tx, bottom = c + (d - c) * tx;
        return top + (bottom - top) * ty;
    }
}

namespace Neuromorphic.Nir;

/// <summary>
/// A linear map from a population's spikes to some node's input, composed along a chain of NIR
/// linear nodes: the identity (where the chain starts) or a dense [rows][columns] matrix in double
/// precision. Composition with the identity copies instead of multiplying, so a single Linear or
/// Affine node costs no more than reading its weights.
/// </summary>
internal sealed class LinearMap
{
    private readonly double[]? _matrix;

    private LinearMap(int rows, int columns, double[]? matrix)
    {
        Rows = rows;
        Columns = columns;
        _matrix = matrix;
    }

    public int Rows { get; }

    public int Columns { get; }

    public bool IsIdentity => _matrix is null;

    public static LinearMap Identity(int size) => new(size, size, null);

    /// <summary>Entry [row, column].</summary>
    public double this[int row, int column] => _matrix is null ? (row == column ? 1 : 0) : _matrix[row * Columns + column];

    /// <summary>weights·this, where <paramref name="weights"/> is [outputs][Rows] row-major.</summary>
    public LinearMap Then(double[] weights, int outputs)
    {
        if (_matrix is null)
        {
            return new LinearMap(outputs, Columns, (double[])weights.Clone());
        }

        var result = new double[outputs * Columns];
        for (var o = 0; o < outputs; o++)
        {
            var target = result.AsSpan(o * Columns, Columns);
            for (var k = 0; k < Rows; k++)
            {
                var w = weights[o * Rows + k];
                if (w == 0)
                {
                    continue;
                }

                var source = _matrix.AsSpan(k * Columns, Columns);
                for (var c = 0; c < Columns; c++)
                {
                    target[c] += w * source[c];
                }
            }
        }

        return new LinearMap(outputs, Columns, result);
    }

    /// <summary>diag(scale)·this.</summary>
    public LinearMap Scaled(double[] scale)
    {
        var result = new double[Rows * Columns];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                result[r * Columns + c] = scale[r] * this[r, c];
            }
        }

        return new LinearMap(Rows, Columns, result);
    }

    /// <summary>Adds this map into <paramref name="sum"/> ([Rows][Columns] row-major).</summary>
    public void AddTo(double[] sum)
    {
        if (_matrix is null)
        {
            for (var i = 0; i < Rows; i++)
            {
                sum[i * Columns + i] += 1;
            }

            return;
        }

        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += _matrix[i];
        }
    }
}

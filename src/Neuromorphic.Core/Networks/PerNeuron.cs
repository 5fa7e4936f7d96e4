using System.Globalization;

namespace Neuromorphic.Core.Networks;

/// <summary>
/// A per-neuron parameter: one value shared by the whole population, or one value per neuron.
/// Immutable.
/// </summary>
public sealed class PerNeuron
{
    private readonly double _scalar;
    private readonly double[]? _values;

    private PerNeuron(double scalar, double[]? values)
    {
        _scalar = scalar;
        _values = values;
    }

    public static PerNeuron Scalar(double value) => new(value, null);

    /// <summary>One value per neuron (the array is copied).</summary>
    public static PerNeuron Of(ReadOnlySpan<double> values) => new(0, values.ToArray());

    /// <summary>One value per neuron, from single precision (the array is copied).</summary>
    public static PerNeuron Of(ReadOnlySpan<float> values)
    {
        var copy = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            copy[i] = values[i];
        }

        return new(0, copy);
    }

    public bool IsScalar => _values is null;

    /// <summary>Number of values when per-neuron, null when scalar.</summary>
    public int? Length => _values?.Length;

    public double this[int neuron] => _values is null ? _scalar : _values[neuron];

    /// <summary>The scalar value, or the values per neuron (a read-only view).</summary>
    public ReadOnlySpan<double> Values => _values is null ? new[] { _scalar } : _values;

    public double Min => _values is null ? _scalar : _values.Min();
    public double Max => _values is null ? _scalar : _values.Max();

    /// <summary>A fresh array of <paramref name="size"/> values.</summary>
    public double[] Expand(int size)
    {
        if (_values is not null)
        {
            return (double[])_values.Clone();
        }

        var result = new double[size];
        Array.Fill(result, _scalar);
        return result;
    }

    public override string ToString() =>
        _values is null ? _scalar.ToString("R", CultureInfo.InvariantCulture) : $"[{_values.Length} values]";
}

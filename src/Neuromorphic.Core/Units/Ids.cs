namespace Neuromorphic.Core.Units;

/// <summary>Index of a core on a chip (row-major over tiles, then cores within a tile).</summary>
public readonly record struct CoreId(int Value)
{
    public override string ToString() => $"core {Value}";
}

/// <summary>Global index of a neuron in a network (populations concatenated in file order).</summary>
public readonly record struct NeuronId(int Value)
{
    public override string ToString() => $"neuron {Value}";
}

/// <summary>A tile position on the 2-D mesh.</summary>
public readonly record struct TileId(int X, int Y)
{
    public override string ToString() => $"tile ({X},{Y})";
}

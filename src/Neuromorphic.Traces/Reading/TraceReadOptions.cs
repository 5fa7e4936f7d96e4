namespace Neuromorphic.Traces;

/// <summary>What a <see cref="TraceReader"/> returns. Blocks it skips are still checksummed, not decoded.</summary>
public sealed record TraceReadOptions
{
    /// <summary>Kinds of block to decode and return.</summary>
    public TraceKinds Kinds { get; init; } = TraceKinds.All;

    /// <summary>
    /// When set, only blocks whose inference range contains this inference are decoded and returned
    /// (they may also hold records of neighbouring inferences: filter records by their field).
    /// </summary>
    public int? Inference { get; init; }

    /// <summary>
    /// Decode and check every block, also those not returned (their records' order and decoding), so
    /// that damage is found at the same block as <see cref="TraceVerifier"/> finds it whatever
    /// <see cref="Kinds"/> asks for. Skipped blocks are otherwise only checksummed.
    /// </summary>
    public bool CheckEveryBlock { get; init; }

    public static TraceReadOptions All { get; } = new();
}

namespace Neuromorphic.Traces;

/// <summary>The compressor a writer tries on each block (kept only where it pays).</summary>
public enum TraceCompression
{
    /// <summary>Store records as they are.</summary>
    None,

    /// <summary>DEFLATE at its fastest level (zlib level 1).</summary>
    Deflate,

    /// <summary>Brotli at a low quality (fast, denser than DEFLATE on shuffled records).</summary>
    Brotli,
}

using System.Security.Cryptography;

namespace Neuromorphic.Core.IO;

/// <summary>SHA-256 helpers: hashes are written as lower-case hex everywhere (files, traces, logs).</summary>
public static class Hashing
{
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha256HexOfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The first 12 hex digits: enough to tell files apart in tables and logs.</summary>
    public static string Short(string hash) => hash.Length <= 12 ? hash : hash[..12];
}

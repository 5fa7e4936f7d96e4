using System.Runtime.CompilerServices;

namespace Neuromorphic.Core.Random;

/// <summary>
/// Philox4x32-10, the counter-based generator of Salmon et al., "Parallel random numbers: as easy
/// as 1, 2, 3" (SC'11): a keyed bijection of a 128-bit counter, so any element of any stream can be
/// computed directly, on any thread, in any order. Constants are the published ones.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>Encrypts the counter (c0..c3) under the key (k0, k1) with ten rounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (var round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 = unchecked(k0 + W0);
                k1 = unchecked(k1 + W1);
            }

            var p0 = (ulong)M0 * c0;
            var p1 = (ulong)M1 * c2;
            var hi0 = (uint)(p0 >> 32);
            var lo0 = (uint)p0;
            var hi1 = (uint)(p1 >> 32);
            var lo1 = (uint)p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }

        return (c0, c1, c2, c3);
    }

    /// <summary>SplitMix64's finaliser: a fast, well-mixed 64-bit bijection used to derive stream keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Folds up to four integer keys (core, neuron, parameter, …) into one 64-bit stream id.</summary>
    public static ulong StreamId(ulong a, ulong b = 0, ulong c = 0, ulong d = 0)
    {
        const ulong golden = 0x9E3779B97F4A7C15UL;
        unchecked
        {
            var h = Mix(a + golden);
            h = Mix(h ^ (b + 2 * golden));
            h = Mix(h ^ (c + 3 * golden));
            return Mix(h ^ (d + 4 * golden));
        }
    }

    /// <summary>The <paramref name="index"/>-th 64-bit value of stream <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong UInt64At(ulong seed, ulong stream, ulong index)
    {
        var (x0, x1, _, _) = Block((uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32));
        return ((ulong)x1 << 32) | x0;
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitDouble(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));
}

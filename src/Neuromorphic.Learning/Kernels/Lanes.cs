using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Learning.Kernels;

/// <summary>
/// The vector width of the kernels and the padding it implies. Every state row and every weight
/// row is stored with its length rounded up to a multiple of <see cref="Width"/>; the padding holds
/// zeros and stays zero through relaxation and learning, so kernels never need a scalar tail.
/// </summary>
internal static class Lanes
{
    /// <summary>Floats per vector (Vector256).</summary>
    public const int Width = 8;

    /// <summary>States below this are snapped to zero so that decaying states never reach float subnormals.</summary>
    public const float FlushBelow = 1e-30f;

    public static int Pad(int count) => (count + Width - 1) / Width * Width;

    /// <summary>
    /// The horizontal sum every kernel uses, in one fixed order (upper half onto lower half, then
    /// pairs), so that a dot product gives the same bits whichever kernel variant computed it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v)
    {
        var half = v.GetLower() + v.GetUpper();
        return (half.GetElement(0) + half.GetElement(2)) + (half.GetElement(1) + half.GetElement(3));
    }

    /// <summary>s + dt·(clip(g, 0, 1) − s), with results below <see cref="FlushBelow"/> set to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyStep(Vector256<float> drive, Vector256<float> state, Vector256<float> dt)
    {
        var rate = Vector256.Min(Vector256.Max(drive, Vector256<float>.Zero), Vector256<float>.One);
        var next = Vector256.FusedMultiplyAdd(dt, rate - state, state);
        return Vector256.GreaterThanOrEqual(next, Vector256.Create(FlushBelow)) & next;
    }

    /// <summary>The scalar form of the vector LeakyStep (same operations, same rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyStep(float drive, float state, float dt)
    {
        var rate = MathF.Min(MathF.Max(drive, 0f), 1f);
        var next = MathF.FusedMultiplyAdd(dt, rate - state, state);
        return next >= FlushBelow ? next : 0f;
    }
}

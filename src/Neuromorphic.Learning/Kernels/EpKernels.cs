using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Learning.Kernels;

/// <summary>
/// The SIMD kernels of HTS-EP (Vector256, fused multiply-add). Matrices are row-major with padded
/// strides (see <see cref="Lanes"/>). Each output element is computed in one fixed order whatever
/// the blocking, the kernel variant or the thread that runs it, so results are reproducible to the
/// bit; <see cref="ScalarKernels"/> holds the plain references the tests compare against.
/// </summary>
internal static class EpKernels
{
    /// <summary>
    /// Dot products of rows: c[r, i] = Σ_p a[r, p]·w[i, p] + bias[i] for r &lt; rows and
    /// firstOut ≤ i &lt; firstOut + outCount. <paramref name="depth"/> (the length of the dot
    /// products) is a multiple of <see cref="Lanes.Width"/>. Used for W·s (input projection,
    /// feed-forward drive of upper layers).
    /// </summary>
    public static void RowDots(ReadOnlySpan<float> a, int lda, int rows, ReadOnlySpan<float> w, int ldw, int firstOut, int outCount,
        ReadOnlySpan<float> bias, Span<float> c, int ldc, int depth)
    {
        if (rows == 0 || outCount == 0)
        {
            return;
        }

        CheckDepth(depth);
        Check(a, (rows - 1) * lda + depth);
        Check(w, (firstOut + outCount - 1) * ldw + depth);
        Check(bias, firstOut + outCount);
        Check(c, (rows - 1) * ldc + firstOut + outCount);

        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var w0 = ref MemoryMarshal.GetReference(w);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var c0 = ref MemoryMarshal.GetReference(c);
        var endOut = firstOut + outCount;
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            var i = firstOut;
            for (; i + 4 <= endOut; i += 4)
            {
                Dots4x4(ref a0, lda, r, ref w0, ldw, i, ref b0, ref c0, ldc, depth);
            }

            for (; i < endOut; i++)
            {
                Dots4x1(ref a0, lda, r, ref w0, ldw, i, ref b0, ref c0, ldc, depth);
            }
        }

        for (; r < rows; r++)
        {
            var i = firstOut;
            for (; i + 4 <= endOut; i += 4)
            {
                Dots1x4(ref a0, lda, r, ref w0, ldw, i, ref b0, ref c0, ldc, depth);
            }

            for (; i < endOut; i++)
            {
                var acc = Vector256<float>.Zero;
                ref var ar = ref Unsafe.Add(ref a0, r * lda);
                ref var wi = ref Unsafe.Add(ref w0, i * ldw);
                for (var p = 0; p < depth; p += Lanes.Width)
                {
                    acc = Vector256.FusedMultiplyAdd(Load(ref ar, p), Load(ref wi, p), acc);
                }

                Unsafe.Add(ref c0, r * ldc + i) = Lanes.Sum(acc) + Unsafe.Add(ref b0, i);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots4x4(ref float a0, int lda, int r, ref float w0, int ldw, int i, ref float b0, ref float c0, int ldc, int depth)
    {
        ref var a_0 = ref Unsafe.Add(ref a0, r * lda);
        ref var a_1 = ref Unsafe.Add(ref a_0, lda);
        ref var a_2 = ref Unsafe.Add(ref a_1, lda);
        ref var a_3 = ref Unsafe.Add(ref a_2, lda);
        ref var w_0 = ref Unsafe.Add(ref w0, i * ldw);
        ref var w_1 = ref Unsafe.Add(ref w_0, ldw);
        ref var w_2 = ref Unsafe.Add(ref w_1, ldw);
        ref var w_3 = ref Unsafe.Add(ref w_2, ldw);
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (var p = 0; p < depth; p += Lanes.Width)
        {
            var x0 = Load(ref w_0, p);
            var x1 = Load(ref w_1, p);
            var x2 = Load(ref w_2, p);
            var x3 = Load(ref w_3, p);
            var y = Load(ref a_0, p);
            c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
            c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
            c02 = Vector256.FusedMultiplyAdd(y, x2, c02);
            c03 = Vector256.FusedMultiplyAdd(y, x3, c03);
            y = Load(ref a_1, p);
            c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
            c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
            c12 = Vector256.FusedMultiplyAdd(y, x2, c12);
            c13 = Vector256.FusedMultiplyAdd(y, x3, c13);
            y = Load(ref a_2, p);
            c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
            c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
            c22 = Vector256.FusedMultiplyAdd(y, x2, c22);
            c23 = Vector256.FusedMultiplyAdd(y, x3, c23);
            y = Load(ref a_3, p);
            c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
            c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
            c32 = Vector256.FusedMultiplyAdd(y, x2, c32);
            c33 = Vector256.FusedMultiplyAdd(y, x3, c33);
        }

        var b_0 = Unsafe.Add(ref b0, i);
        var b_1 = Unsafe.Add(ref b0, i + 1);
        var b_2 = Unsafe.Add(ref b0, i + 2);
        var b_3 = Unsafe.Add(ref b0, i + 3);
        ref var row = ref Unsafe.Add(ref c0, r * ldc + i);
        Store4(ref row, Lanes.Sum(c00) + b_0, Lanes.Sum(c01) + b_1, Lanes.Sum(c02) + b_2, Lanes.Sum(c03) + b_3);
        row = ref Unsafe.Add(ref row, ldc);
        Store4(ref row, Lanes.Sum(c10) + b_0, Lanes.Sum(c11) + b_1, Lanes.Sum(c12) + b_2, Lanes.Sum(c13) + b_3);
        row = ref Unsafe.Add(ref row, ldc);
        Store4(ref row, Lanes.Sum(c20) + b_0, Lanes.Sum(c21) + b_1, Lanes.Sum(c22) + b_2, Lanes.Sum(c23) + b_3);
        row = ref Unsafe.Add(ref row, ldc);
        Store4(ref row, Lanes.Sum(c30) + b_0, Lanes.Sum(c31) + b_1, Lanes.Sum(c32) + b_2, Lanes.Sum(c33) + b_3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots4x1(ref float a0, int lda, int r, ref float w0, int ldw, int i, ref float b0, ref float c0, int ldc, int depth)
    {
        ref var a_0 = ref Unsafe.Add(ref a0, r * lda);
        ref var a_1 = ref Unsafe.Add(ref a_0, lda);
        ref var a_2 = ref Unsafe.Add(ref a_1, lda);
        ref var a_3 = ref Unsafe.Add(ref a_2, lda);
        ref var wi = ref Unsafe.Add(ref w0, i * ldw);
        Vector256<float> c_0 = default, c_1 = default, c_2 = default, c_3 = default;
        for (var p = 0; p < depth; p += Lanes.Width)
        {
            var x = Load(ref wi, p);
            c_0 = Vector256.FusedMultiplyAdd(Load(ref a_0, p), x, c_0);
            c_1 = Vector256.FusedMultiplyAdd(Load(ref a_1, p), x, c_1);
            c_2 = Vector256.FusedMultiplyAdd(Load(ref a_2, p), x, c_2);
            c_3 = Vector256.FusedMultiplyAdd(Load(ref a_3, p), x, c_3);
        }

        var bi = Unsafe.Add(ref b0, i);
        ref var cell = ref Unsafe.Add(ref c0, r * ldc + i);
        cell = Lanes.Sum(c_0) + bi;
        Unsafe.Add(ref cell, ldc) = Lanes.Sum(c_1) + bi;
        Unsafe.Add(ref cell, 2 * ldc) = Lanes.Sum(c_2) + bi;
        Unsafe.Add(ref cell, 3 * ldc) = Lanes.Sum(c_3) + bi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots1x4(ref float a0, int lda, int r, ref float w0, int ldw, int i, ref float b0, ref float c0, int ldc, int depth)
    {
        ref var ar = ref Unsafe.Add(ref a0, r * lda);
        ref var w_0 = ref Unsafe.Add(ref w0, i * ldw);
        ref var w_1 = ref Unsafe.Add(ref w_0, ldw);
        ref var w_2 = ref Unsafe.Add(ref w_1, ldw);
        ref var w_3 = ref Unsafe.Add(ref w_2, ldw);
        Vector256<float> c_0 = default, c_1 = default, c_2 = default, c_3 = default;
        for (var p = 0; p < depth; p += Lanes.Width)
        {
            var y = Load(ref ar, p);
            c_0 = Vector256.FusedMultiplyAdd(y, Load(ref w_0, p), c_0);
            c_1 = Vector256.FusedMultiplyAdd(y, Load(ref w_1, p), c_1);
            c_2 = Vector256.FusedMultiplyAdd(y, Load(ref w_2, p), c_2);
            c_3 = Vector256.FusedMultiplyAdd(y, Load(ref w_3, p), c_3);
        }

        Store4(ref Unsafe.Add(ref c0, r * ldc + i), Lanes.Sum(c_0) + Unsafe.Add(ref b0, i), Lanes.Sum(c_1) + Unsafe.Add(ref b0, i + 1),
            Lanes.Sum(c_2) + Unsafe.Add(ref b0, i + 2), Lanes.Sum(c_3) + Unsafe.Add(ref b0, i + 3));
    }

    /// <summary>
    /// One leaky step of a layer that receives feedback from the layer above:
    /// g = drive + Σ_p above[r, p]·wAbove[p, ·] (the transpose product W_{k+1}ᵀ s_{k+1}), then
    /// next = s + dt·(clip(g, 0, 1) − s). <paramref name="width"/> is the padded layer width.
    /// </summary>
    public static void FeedbackStep(ReadOnlySpan<float> drive, ReadOnlySpan<float> above, int ldAbove, int aboveCount,
        ReadOnlySpan<float> wAbove, int ldw, ReadOnlySpan<float> state, Span<float> next, ReadOnlySpan<float> dt, int rows, int width) =>
        FeedbackStep<PrototypicalRule>(drive, above, ldAbove, aboveCount, wAbove, ldw, state, next, dt, rows, width);

    /// <summary>
    /// <see cref="FeedbackStep"/> with the state update of <typeparamref name="TRule"/> applied to the
    /// total drive g (the prototypical leaky step or the energy-based one).
    /// </summary>
    public static void FeedbackStep<TRule>(ReadOnlySpan<float> drive, ReadOnlySpan<float> above, int ldAbove, int aboveCount,
        ReadOnlySpan<float> wAbove, int ldw, ReadOnlySpan<float> state, Span<float> next, ReadOnlySpan<float> dt, int rows, int width)
        where TRule : struct, IStepRule
    {
        if (rows == 0)
        {
            return;
        }

        CheckDepth(width);
        Check(drive, rows * width);
        Check(state, rows * width);
        Check(next, rows * width);
        Check(dt, width);
        Check(above, (rows - 1) * ldAbove + aboveCount);
        Check(wAbove, aboveCount == 0 ? 0 : (aboveCount - 1) * ldw + width);

        ref var d0 = ref MemoryMarshal.GetReference(drive);
        ref var u0 = ref MemoryMarshal.GetReference(above);
        ref var w0 = ref MemoryMarshal.GetReference(wAbove);
        ref var s0 = ref MemoryMarshal.GetReference(state);
        ref var n0 = ref MemoryMarshal.GetReference(next);
        ref var t0 = ref MemoryMarshal.GetReference(dt);
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            var j = 0;
            for (; j + 4 * Lanes.Width <= width; j += 4 * Lanes.Width)
            {
                Feedback4x4<TRule>(ref d0, ref u0, ldAbove, aboveCount, ref w0, ldw, ref s0, ref n0, ref t0, r, j, width);
            }

            for (; j < width; j += Lanes.Width)
            {
                for (var rr = r; rr < r + 4; rr++)
                {
                    Feedback1x1<TRule>(ref d0, ref u0, ldAbove, aboveCount, ref w0, ldw, ref s0, ref n0, ref t0, rr, j, width);
                }
            }
        }

        for (; r < rows; r++)
        {
            for (var j = 0; j < width; j += Lanes.Width)
            {
                Feedback1x1<TRule>(ref d0, ref u0, ldAbove, aboveCount, ref w0, ldw, ref s0, ref n0, ref t0, r, j, width);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Feedback4x4<TRule>(ref float d0, ref float u0, int ldu, int count, ref float w0, int ldw, ref float s0, ref float n0,
        ref float t0, int r, int j, int width)
        where TRule : struct, IStepRule
    {
        const int V = Lanes.Width;
        var o0 = r * width + j;
        var o1 = o0 + width;
        var o2 = o1 + width;
        var o3 = o2 + width;
        var c00 = Load(ref d0, o0); var c01 = Load(ref d0, o0 + V); var c02 = Load(ref d0, o0 + 2 * V); var c03 = Load(ref d0, o0 + 3 * V);
        var c10 = Load(ref d0, o1); var c11 = Load(ref d0, o1 + V); var c12 = Load(ref d0, o1 + 2 * V); var c13 = Load(ref d0, o1 + 3 * V);
        var c20 = Load(ref d0, o2); var c21 = Load(ref d0, o2 + V); var c22 = Load(ref d0, o2 + 2 * V); var c23 = Load(ref d0, o2 + 3 * V);
        var c30 = Load(ref d0, o3); var c31 = Load(ref d0, o3 + V); var c32 = Load(ref d0, o3 + 2 * V); var c33 = Load(ref d0, o3 + 3 * V);
        ref var u_0 = ref Unsafe.Add(ref u0, r * ldu);
        ref var u_1 = ref Unsafe.Add(ref u_0, ldu);
        ref var u_2 = ref Unsafe.Add(ref u_1, ldu);
        ref var u_3 = ref Unsafe.Add(ref u_2, ldu);
        ref var wj = ref Unsafe.Add(ref w0, j);
        for (var p = 0; p < count; p++)
        {
            ref var wp = ref Unsafe.Add(ref wj, p * ldw);
            var x0 = Load(ref wp, 0);
            var x1 = Load(ref wp, V);
            var x2 = Load(ref wp, 2 * V);
            var x3 = Load(ref wp, 3 * V);
            var y = Vector256.Create(Unsafe.Add(ref u_0, p));
            c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
            c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
            c02 = Vector256.FusedMultiplyAdd(y, x2, c02);
            c03 = Vector256.FusedMultiplyAdd(y, x3, c03);
            y = Vector256.Create(Unsafe.Add(ref u_1, p));
            c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
            c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
            c12 = Vector256.FusedMultiplyAdd(y, x2, c12);
            c13 = Vector256.FusedMultiplyAdd(y, x3, c13);
            y = Vector256.Create(Unsafe.Add(ref u_2, p));
            c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
            c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
            c22 = Vector256.FusedMultiplyAdd(y, x2, c22);
            c23 = Vector256.FusedMultiplyAdd(y, x3, c23);
            y = Vector256.Create(Unsafe.Add(ref u_3, p));
            c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
            c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
            c32 = Vector256.FusedMultiplyAdd(y, x2, c32);
            c33 = Vector256.FusedMultiplyAdd(y, x3, c33);
        }

        var t_0 = Load(ref t0, j);
        var t_1 = Load(ref t0, j + V);
        var t_2 = Load(ref t0, j + 2 * V);
        var t_3 = Load(ref t0, j + 3 * V);
        StepStore<TRule>(ref s0, ref n0, o0, c00, c01, c02, c03, t_0, t_1, t_2, t_3);
        StepStore<TRule>(ref s0, ref n0, o1, c10, c11, c12, c13, t_0, t_1, t_2, t_3);
        StepStore<TRule>(ref s0, ref n0, o2, c20, c21, c22, c23, t_0, t_1, t_2, t_3);
        StepStore<TRule>(ref s0, ref n0, o3, c30, c31, c32, c33, t_0, t_1, t_2, t_3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepStore<TRule>(ref float s0, ref float n0, int o, Vector256<float> g0, Vector256<float> g1, Vector256<float> g2,
        Vector256<float> g3, Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3)
        where TRule : struct, IStepRule
    {
        const int V = Lanes.Width;
        Store(ref n0, o, TRule.Step(g0, Load(ref s0, o), t0));
        Store(ref n0, o + V, TRule.Step(g1, Load(ref s0, o + V), t1));
        Store(ref n0, o + 2 * V, TRule.Step(g2, Load(ref s0, o + 2 * V), t2));
        Store(ref n0, o + 3 * V, TRule.Step(g3, Load(ref s0, o + 3 * V), t3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Feedback1x1<TRule>(ref float d0, ref float u0, int ldu, int count, ref float w0, int ldw, ref float s0, ref float n0,
        ref float t0, int r, int j, int width)
        where TRule : struct, IStepRule
    {
        var o = r * width + j;
        var acc = Load(ref d0, o);
        ref var ur = ref Unsafe.Add(ref u0, r * ldu);
        ref var wj = ref Unsafe.Add(ref w0, j);
        for (var p = 0; p < count; p++)
        {
            acc = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ur, p)), Load(ref wj, p * ldw), acc);
        }

        Store(ref n0, o, TRule.Step(acc, Load(ref s0, o), Load(ref t0, j)));
    }

    /// <summary>
    /// One leaky step of the top (output) layer with the nudge inside ρ (Laborieux et al. 2021):
    /// g = drive + β·(target − s), next = s + dt·(clip(g, 0, 1) − s).
    /// </summary>
    public static void TopStep(ReadOnlySpan<float> drive, ReadOnlySpan<float> target, float beta, ReadOnlySpan<float> state, Span<float> next,
        ReadOnlySpan<float> dt, int rows, int width) =>
        TopStep<PrototypicalRule>(drive, target, beta, state, next, dt, rows, width);

    /// <summary>One step of the top (output) layer with its nudge towards the target, by <typeparamref name="TRule"/>.</summary>
    public static void TopStep<TRule>(ReadOnlySpan<float> drive, ReadOnlySpan<float> target, float beta, ReadOnlySpan<float> state, Span<float> next,
        ReadOnlySpan<float> dt, int rows, int width)
        where TRule : struct, IStepRule
    {
        CheckDepth(width);
        var count = rows * width;
        Check(drive, count);
        Check(target, count);
        Check(state, count);
        Check(next, count);
        Check(dt, width);
        ref var d0 = ref MemoryMarshal.GetReference(drive);
        ref var y0 = ref MemoryMarshal.GetReference(target);
        ref var s0 = ref MemoryMarshal.GetReference(state);
        ref var n0 = ref MemoryMarshal.GetReference(next);
        ref var t0 = ref MemoryMarshal.GetReference(dt);
        var nudge = Vector256.Create(beta);
        for (var r = 0; r < rows; r++)
        {
            var o = r * width;
            for (var j = 0; j < width; j += Lanes.Width)
            {
                Store(ref n0, o + j, TRule.Top(Load(ref d0, o + j), Load(ref y0, o + j), nudge, Load(ref s0, o + j), Load(ref t0, j)));
            }
        }
    }

    /// <summary>
    /// Learning signal of one weight matrix, rows [firstRow, firstRow + rowCount):
    /// g[i, j] = scale·(Σ_b postA[b, i]·preA[b, j] − Σ_b postB[b, i]·preB[b, j]), written to
    /// <paramref name="result"/> (rowCount rows of stride <paramref name="width"/>). When
    /// <paramref name="postB"/> is empty only the first sum is taken (the caller passes the
    /// difference of the two phases when both share the same pre-synaptic states, e.g. the input).
    /// The sums run over b in order, so the result does not depend on how rows are split.
    /// </summary>
    public static void OuterProductRows(ReadOnlySpan<float> postA, ReadOnlySpan<float> preA, ReadOnlySpan<float> postB, ReadOnlySpan<float> preB,
        int ldPost, int batch, int firstRow, int rowCount, int width, float scale, Span<float> result)
    {
        if (rowCount == 0)
        {
            return;
        }

        CheckDepth(width);
        var twoTerms = !postB.IsEmpty;
        Check(postA, (batch - 1) * ldPost + firstRow + rowCount);
        Check(preA, batch * width);
        if (twoTerms)
        {
            Check(postB, (batch - 1) * ldPost + firstRow + rowCount);
            Check(preB, batch * width);
        }

        Check(result, rowCount * width);
        ref var pa = ref MemoryMarshal.GetReference(postA);
        ref var xa = ref MemoryMarshal.GetReference(preA);
        ref var pb = ref MemoryMarshal.GetReference(postB);
        ref var xb = ref MemoryMarshal.GetReference(preB);
        ref var g0 = ref MemoryMarshal.GetReference(result);
        var factor = Vector256.Create(scale);
        const int V = Lanes.Width;
        var j = 0;
        for (; j + 4 * V <= width; j += 4 * V)
        {
            var i = 0;
            for (; i + 4 <= rowCount; i += 4)
            {
                Outer4x4(ref pa, ref xa, ref pb, ref xb, twoTerms, ldPost, batch, firstRow + i, j, width, factor, ref Unsafe.Add(ref g0, i * width + j), width);
            }

            for (; i < rowCount; i++)
            {
                for (var c = 0; c < 4; c++)
                {
                    Outer1x1(ref pa, ref xa, ref pb, ref xb, twoTerms, ldPost, batch, firstRow + i, j + c * V, width, factor, ref Unsafe.Add(ref g0, i * width + j + c * V));
                }
            }
        }

        for (; j < width; j += 2 * V)
        {
            var pair = j + 2 * V <= width;
            var i = 0;
            for (; i + 4 <= rowCount; i += 4)
            {
                if (pair)
                {
                    Outer4x2(ref pa, ref xa, ref pb, ref xb, twoTerms, ldPost, batch, firstRow + i, j, width, factor, ref Unsafe.Add(ref g0, i * width + j), width);
                }
                else
                {
                    for (var ii = i; ii < i + 4; ii++)
                    {
                        Outer1x1(ref pa, ref xa, ref pb, ref xb, twoTerms, ldPost, batch, firstRow + ii, j, width, factor, ref Unsafe.Add(ref g0, ii * width + j));
                    }
                }
            }

            for (; i < rowCount; i++)
            {
                Outer1x1(ref pa, ref xa, ref pb, ref xb, twoTerms, ldPost, batch, firstRow + i, j, width, factor, ref Unsafe.Add(ref g0, i * width + j));
                if (pair)
                {
                    Outer1x1(ref pa, ref xa, ref pb, ref xb, twoTerms, ldPost, batch, firstRow + i, j + V, width, factor, ref Unsafe.Add(ref g0, i * width + j + V));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outer4x4(ref float pa, ref float xa, ref float pb, ref float xb, bool twoTerms, int ldPost, int batch, int row, int j,
        int width, Vector256<float> factor, ref float g, int ldg)
    {
        const int V = Lanes.Width;
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (var term = 0; term < (twoTerms ? 2 : 1); term++)
        {
            ref var post0 = ref term == 0 ? ref pa : ref pb;
            ref var pre0 = ref term == 0 ? ref xa : ref xb;
            var sign = term == 0 ? 1f : -1f;
            for (var b = 0; b < batch; b++)
            {
                ref var post = ref Unsafe.Add(ref post0, b * ldPost + row);
                ref var pre = ref Unsafe.Add(ref pre0, b * width + j);
                var x0 = Load(ref pre, 0);
                var x1 = Load(ref pre, V);
                var x2 = Load(ref pre, 2 * V);
                var x3 = Load(ref pre, 3 * V);
                var y = Vector256.Create(sign * post);
                c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
                c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
                c02 = Vector256.FusedMultiplyAdd(y, x2, c02);
                c03 = Vector256.FusedMultiplyAdd(y, x3, c03);
                y = Vector256.Create(sign * Unsafe.Add(ref post, 1));
                c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
                c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
                c12 = Vector256.FusedMultiplyAdd(y, x2, c12);
                c13 = Vector256.FusedMultiplyAdd(y, x3, c13);
                y = Vector256.Create(sign * Unsafe.Add(ref post, 2));
                c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
                c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
                c22 = Vector256.FusedMultiplyAdd(y, x2, c22);
                c23 = Vector256.FusedMultiplyAdd(y, x3, c23);
                y = Vector256.Create(sign * Unsafe.Add(ref post, 3));
                c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
                c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
                c32 = Vector256.FusedMultiplyAdd(y, x2, c32);
                c33 = Vector256.FusedMultiplyAdd(y, x3, c33);
            }
        }

        Store(ref g, 0, c00 * factor);
        Store(ref g, V, c01 * factor);
        Store(ref g, 2 * V, c02 * factor);
        Store(ref g, 3 * V, c03 * factor);
        ref var g1 = ref Unsafe.Add(ref g, ldg);
        Store(ref g1, 0, c10 * factor);
        Store(ref g1, V, c11 * factor);
        Store(ref g1, 2 * V, c12 * factor);
        Store(ref g1, 3 * V, c13 * factor);
        ref var g2 = ref Unsafe.Add(ref g, 2 * ldg);
        Store(ref g2, 0, c20 * factor);
        Store(ref g2, V, c21 * factor);
        Store(ref g2, 2 * V, c22 * factor);
        Store(ref g2, 3 * V, c23 * factor);
        ref var g3 = ref Unsafe.Add(ref g, 3 * ldg);
        Store(ref g3, 0, c30 * factor);
        Store(ref g3, V, c31 * factor);
        Store(ref g3, 2 * V, c32 * factor);
        Store(ref g3, 3 * V, c33 * factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outer4x2(ref float pa, ref float xa, ref float pb, ref float xb, bool twoTerms, int ldPost, int batch, int row, int j,
        int width, Vector256<float> factor, ref float g, int ldg)
    {
        const int V = Lanes.Width;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var b = 0; b < batch; b++)
        {
            ref var post = ref Unsafe.Add(ref pa, b * ldPost + row);
            var x0 = Load(ref xa, b * width + j);
            var x1 = Load(ref xa, b * width + j + V);
            var y = Vector256.Create(post);
            c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
            c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
            y = Vector256.Create(Unsafe.Add(ref post, 1));
            c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
            c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
            y = Vector256.Create(Unsafe.Add(ref post, 2));
            c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
            c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
            y = Vector256.Create(Unsafe.Add(ref post, 3));
            c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
            c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
        }

        if (twoTerms)
        {
            for (var b = 0; b < batch; b++)
            {
                ref var post = ref Unsafe.Add(ref pb, b * ldPost + row);
                var x0 = Load(ref xb, b * width + j);
                var x1 = Load(ref xb, b * width + j + V);
                var y = Vector256.Create(-post);
                c00 = Vector256.FusedMultiplyAdd(y, x0, c00);
                c01 = Vector256.FusedMultiplyAdd(y, x1, c01);
                y = Vector256.Create(-Unsafe.Add(ref post, 1));
                c10 = Vector256.FusedMultiplyAdd(y, x0, c10);
                c11 = Vector256.FusedMultiplyAdd(y, x1, c11);
                y = Vector256.Create(-Unsafe.Add(ref post, 2));
                c20 = Vector256.FusedMultiplyAdd(y, x0, c20);
                c21 = Vector256.FusedMultiplyAdd(y, x1, c21);
                y = Vector256.Create(-Unsafe.Add(ref post, 3));
                c30 = Vector256.FusedMultiplyAdd(y, x0, c30);
                c31 = Vector256.FusedMultiplyAdd(y, x1, c31);
            }
        }

        Store(ref g, 0, c00 * factor);
        Store(ref g, V, c01 * factor);
        Store(ref g, ldg, c10 * factor);
        Store(ref g, ldg + V, c11 * factor);
        Store(ref g, 2 * ldg, c20 * factor);
        Store(ref g, 2 * ldg + V, c21 * factor);
        Store(ref g, 3 * ldg, c30 * factor);
        Store(ref g, 3 * ldg + V, c31 * factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outer1x1(ref float pa, ref float xa, ref float pb, ref float xb, bool twoTerms, int ldPost, int batch, int row, int j,
        int width, Vector256<float> factor, ref float g)
    {
        var acc = Vector256<float>.Zero;
        for (var b = 0; b < batch; b++)
        {
            acc = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref pa, b * ldPost + row)), Load(ref xa, b * width + j), acc);
        }

        if (twoTerms)
        {
            for (var b = 0; b < batch; b++)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(-Unsafe.Add(ref pb, b * ldPost + row)), Load(ref xb, b * width + j), acc);
            }
        }

        Store(ref g, 0, acc * factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float source, int offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float destination, int offset, Vector256<float> value) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float destination, float v0, float v1, float v2, float v3)
    {
        destination = v0;
        Unsafe.Add(ref destination, 1) = v1;
        Unsafe.Add(ref destination, 2) = v2;
        Unsafe.Add(ref destination, 3) = v3;
    }

    private static void CheckDepth(int depth)
    {
        if (depth % Lanes.Width != 0 || depth < 0)
        {
            throw new ArgumentException($"length {depth} is not a multiple of {Lanes.Width}");
        }
    }

    private static void Check(ReadOnlySpan<float> span, int required)
    {
        if (span.Length < required)
        {
            throw new ArgumentException($"buffer of {span.Length} floats, kernel needs {required}");
        }
    }
}

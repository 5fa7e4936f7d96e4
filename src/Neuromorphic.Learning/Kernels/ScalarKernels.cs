namespace Neuromorphic.Learning.Kernels;

/// <summary>
/// Plain loops computing what <see cref="EpKernels"/> computes, in double precision and the
/// textbook order. They are the references the kernel tests compare against.
/// </summary>
internal static class ScalarKernels
{
    public static void RowDots(ReadOnlySpan<float> a, int lda, int rows, ReadOnlySpan<float> w, int ldw, int firstOut, int outCount,
        ReadOnlySpan<float> bias, Span<float> c, int ldc, int depth)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var i = firstOut; i < firstOut + outCount; i++)
            {
                double sum = bias[i];
                for (var p = 0; p < depth; p++)
                {
                    sum += (double)a[r * lda + p] * w[i * ldw + p];
                }

                c[r * ldc + i] = (float)sum;
            }
        }
    }

    /// <summary>
    /// g = drive + Σ_p ρ(above[r, p])·wAbove[p, ·], then the rule's step: prototypical
    /// s + dt·(ρ(g) − s); energy clip(s + dt·(ρ′(s)·g − s), 0, 1). ρ is applied to the neighbours
    /// explicitly here (the SIMD kernels rely on states staying in [0, 1], where ρ(s) = s).
    /// </summary>
    public static void FeedbackStep(ReadOnlySpan<float> drive, ReadOnlySpan<float> above, int ldAbove, int aboveCount,
        ReadOnlySpan<float> wAbove, int ldw, ReadOnlySpan<float> state, Span<float> next, ReadOnlySpan<float> dt, int rows, int width,
        StepRuleKind rule = StepRuleKind.Prototypical)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                double g = drive[r * width + j];
                for (var p = 0; p < aboveCount; p++)
                {
                    g += Rho(above[r * ldAbove + p]) * wAbove[p * ldw + j];
                }

                double s = state[r * width + j];
                next[r * width + j] = rule == StepRuleKind.Energy
                    ? Flush(Math.Clamp(s + dt[j] * (RhoPrime(s) * g - s), 0.0, 1.0))
                    : Leaky(g, state[r * width + j], dt[j]);
            }
        }
    }

    /// <summary>
    /// The output layer: prototypical, nudge inside ρ, s + dt·(ρ(drive + β(y − s)) − s); outside
    /// nudge, s + dt·(ρ(drive) − s + β(y − s)), not clipped; energy,
    /// clip(s + dt·(ρ′(s)·drive + β(y − s) − s), 0, 1).
    /// </summary>
    public static void TopStep(ReadOnlySpan<float> drive, ReadOnlySpan<float> target, float beta, ReadOnlySpan<float> state, Span<float> next,
        ReadOnlySpan<float> dt, int rows, int width, StepRuleKind rule = StepRuleKind.Prototypical)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                var o = r * width + j;
                double s = state[o];
                var nudge = (double)beta * (target[o] - s);
                next[o] = rule switch
                {
                    StepRuleKind.Energy => Flush(Math.Clamp(s + dt[j] * (RhoPrime(s) * drive[o] + nudge - s), 0.0, 1.0)),
                    StepRuleKind.OutsideNudge => Flush(s + dt[j] * (Rho(drive[o]) - s + nudge)),
                    _ => Leaky(drive[o] + nudge, state[o], dt[j]),
                };
            }
        }
    }

    /// <summary>ρ(v) = clip(v, 0, 1), the hard sigmoid.</summary>
    public static double Rho(double v) => Math.Clamp(v, 0.0, 1.0);

    /// <summary>ρ′(v) on the closed interval: 1 for 0 ≤ v ≤ 1, else 0.</summary>
    public static double RhoPrime(double v) => v is >= 0 and <= 1 ? 1.0 : 0.0;

    private static float Flush(double value) => Math.Abs(value) >= Lanes.FlushBelow ? (float)value : 0f;

    public static void OuterProductRows(ReadOnlySpan<float> postA, ReadOnlySpan<float> preA, ReadOnlySpan<float> postB, ReadOnlySpan<float> preB,
        int ldPost, int batch, int firstRow, int rowCount, int width, float scale, Span<float> result)
    {
        for (var i = 0; i < rowCount; i++)
        {
            for (var j = 0; j < width; j++)
            {
                var sum = 0.0;
                for (var b = 0; b < batch; b++)
                {
                    sum += (double)postA[b * ldPost + firstRow + i] * preA[b * width + j];
                    if (!postB.IsEmpty)
                    {
                        sum -= (double)postB[b * ldPost + firstRow + i] * preB[b * width + j];
                    }
                }

                result[i * width + j] = (float)(scale * sum);
            }
        }
    }

    private static float Leaky(double drive, float state, float dt)
    {
        var rate = Math.Clamp(drive, 0.0, 1.0);
        var next = state + dt * (rate - state);
        return next >= Lanes.FlushBelow ? (float)next : 0f;
    }
}

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

    public static void FeedbackStep(ReadOnlySpan<float> drive, ReadOnlySpan<float> above, int ldAbove, int aboveCount,
        ReadOnlySpan<float> wAbove, int ldw, ReadOnlySpan<float> state, Span<float> next, ReadOnlySpan<float> dt, int rows, int width)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                double g = drive[r * width + j];
                for (var p = 0; p < aboveCount; p++)
                {
                    g += (double)above[r * ldAbove + p] * wAbove[p * ldw + j];
                }

                next[r * width + j] = Leaky(g, state[r * width + j], dt[j]);
            }
        }
    }

    public static void TopStep(ReadOnlySpan<float> drive, ReadOnlySpan<float> target, float beta, ReadOnlySpan<float> state, Span<float> next,
        ReadOnlySpan<float> dt, int rows, int width)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                var o = r * width + j;
                var g = drive[o] + (double)beta * (target[o] - state[o]);
                next[o] = Leaky(g, state[o], dt[j]);
            }
        }
    }

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

using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Nir;

/// <summary>Hand-made NIR graphs for tests, and network comparisons.</summary>
internal static class NirTestSupport
{
    /// <summary>A third-party sample file (see <see cref="NirSamples"/>); only in tests marked [NirSampleFact] or [NirSampleTheory].</summary>
    public static string Sample(string name) => NirSamples.File(name);

    public static string Fixture(string name) => RepoPaths.Path("tests", "Neuromorphic.Tests", "Nir", "Fixtures", name);

    /// <summary>A graph under construction: nodes with parameters and edges, written with <see cref="NirFile"/>.</summary>
    public sealed class GraphBuilder
    {
        private readonly NirGraph _graph;

        public GraphBuilder(string path = "/node") => _graph = new NirGraph(path);

        public NirGraph Graph => _graph;

        public GraphBuilder Node(string name, string type, params (string Key, NirArray Value)[] parameters)
        {
            var node = new NirNode(name, type, $"{_graph.Path}/nodes/{name}");
            foreach (var (key, value) in parameters)
            {
                node.Parameters[key] = value;
            }

            _graph.Nodes.Add(node);
            return this;
        }

        public GraphBuilder Subgraph(string name, GraphBuilder inner)
        {
            var copy = new NirNode(name, NirTypes.Graph, $"{_graph.Path}/nodes/{name}") { Graph = inner.Graph };
            _graph.Nodes.Add(copy);
            return this;
        }

        public GraphBuilder Input(string name, int size) => Node(name, NirTypes.Input, ("shape", NirArray.Integers(size)));

        public GraphBuilder Output(string name, int size) => Node(name, NirTypes.Output, ("shape", NirArray.Integers(size)));

        public GraphBuilder Linear(string name, double[,] weight) => Node(name, NirTypes.Linear, ("weight", Matrix(weight)));

        public GraphBuilder Affine(string name, double[,] weight, params double[] bias) =>
            Node(name, NirTypes.Affine, ("weight", Matrix(weight)), ("bias", V(bias)));

        public GraphBuilder Edge(string from, string to)
        {
            _graph.Edges.Add((from, to));
            return this;
        }

        public GraphBuilder Edges(params string[] chain)
        {
            for (var i = 0; i + 1 < chain.Length; i++)
            {
                Edge(chain[i], chain[i + 1]);
            }

            return this;
        }

        public NirDocument Document(string file = "test.nir") => new("0.2.0", _graph, file);

        /// <summary>Writes the graph to an HDF5 file (through PureHDF) and returns its path.</summary>
        public string Write(TempDirectory directory, string name = "graph.nir")
        {
            var path = directory.File(name);
            NirFile.Write(Document(path), path);
            return path;
        }
    }

    public static NirArray V(params double[] values) => NirArray.Vector(values);

    public static NirArray Matrix(double[,] values)
    {
        var rows = values.GetLength(0);
        var columns = values.GetLength(1);
        var flat = new double[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                flat[r * columns + c] = values[r, c];
            }
        }

        return new NirArray(flat, [rows, columns], NirElementType.Float32);
    }

    /// <summary>Asserts that two networks have the same populations, parameters (to <paramref name="tolerance"/> relative), weights (exactly), read-out and name.</summary>
    public static void AssertEquivalent(NetworkSpec expected, NetworkSpec actual, double tolerance = 1e-12, bool compareNames = true)
    {
        if (compareNames)
        {
            Assert.Equal(expected.Name, actual.Name);
        }

        Assert.Equal(expected.Populations.Select(p => (p.Name, p.Size, p.Model)), actual.Populations.Select(p => (p.Name, p.Size, p.Model)));
        for (var k = 0; k < expected.Populations.Count; k++)
        {
            var e = expected.Populations[k];
            var a = actual.Populations[k];
            if (e.CubaLif is not { } ec)
            {
                continue;
            }

            var ac = a.CubaLif!;
            var what = $"population {e.Name}";
            AssertClose(ec.TauCurrent, ac.TauCurrent, e.Size, tolerance, $"{what} tauCurrent");
            AssertClose(ec.TauVoltage, ac.TauVoltage, e.Size, tolerance, $"{what} tauVoltage");
            AssertClose(ec.Threshold, ac.Threshold, e.Size, tolerance, $"{what} threshold");
            AssertClose(ec.Bias, ac.Bias, e.Size, tolerance, $"{what} bias");
            AssertClose(ec.CurrentBias, ac.CurrentBias, e.Size, tolerance, $"{what} currentBias");
            AssertClose(ec.Refractory, ac.Refractory, e.Size, 0, $"{what} refractory");
            Assert.True(ec.Reset == ac.Reset, $"{what} reset: expected {ec.Reset}, got {ac.Reset}");
        }

        Assert.Equal(expected.Projections.Select(p => (p.Name, p.From.Name, p.To.Name, p.TransposeOf)),
            actual.Projections.Select(p => (p.Name, p.From.Name, p.To.Name, p.TransposeOf)));
        for (var k = 0; k < expected.Projections.Count; k++)
        {
            Assert.True(expected.Projections[k].Weights.AsSpan().SequenceEqual(actual.Projections[k].Weights), $"weights of {expected.Projections[k].Name} differ");
        }

        Assert.Equal(expected.Readout, actual.Readout);
    }

    public static void AssertClose(PerNeuron? expected, PerNeuron? actual, int size, double tolerance, string what)
    {
        Assert.True((expected is null) == (actual is null), $"{what}: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
        if (expected is null)
        {
            return;
        }

        for (var i = 0; i < size; i++)
        {
            var e = expected[i];
            var a = actual![i];
            Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}[{i}]: expected {e:R}, got {a:R}");
        }
    }
}

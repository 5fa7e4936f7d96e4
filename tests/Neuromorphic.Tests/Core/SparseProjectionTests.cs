using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Mapping;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Core;

/// <summary>Projections with <c>connections</c>: only the connected pairs are synapses, in the file, the hash and the mapped tables.</summary>
public class SparseProjectionTests
{
    private static NetworkSpec Network(bool sparse, int size = 4)
    {
        var input = new Population("in", 2, NeuronModel.Input);
        var lif = new CubaLifParameters(PerNeuron.Scalar(1), null, PerNeuron.Scalar(1), PerNeuron.Scalar(0), ResetMode.Zero, PerNeuron.Scalar(0));
        // Two cores of two neurons each: in.0 reaches only the first core, in.1 only out.3.
        var output = new Population("out", size, NeuronModel.CubaLif, lif,
            placement: [new PlacementPin(0, 0, 0, 0, 2), new PlacementPin(1, 0, 0, 2, 2)]);
        var weights = new float[size * 2];
        var connections = new bool[size * 2];
        foreach (var (post, pre, w) in new[] { (0, 0, 1f), (1, 0, 0f), (3, 1, 2f) })
        {
            weights[post * 2 + pre] = w;
            connections[post * 2 + pre] = true;
        }

        return new NetworkSpec("sparse", [input, output], [new Projection("in->out", input, output, weights, connections: sparse ? connections : null)]);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(1)]
    public void Connections_round_trip_inline_and_in_a_sidecar_and_enter_the_hash(int inlineLimit)
    {
        using var directory = new TempDirectory();
        var network = Network(sparse: true);
        NetworkFile.Save(network, directory.File("net.json"), inlineLimit);
        var back = NetworkFile.Load(directory.File("net.json"));
        Assert.Equal(network.ContentHash, back.ContentHash);
        Assert.Equal(network.Projections[0].Connections, back.Projections[0].Connections);
        Assert.Equal(3, back.Projections[0].SynapseCount);
        Assert.NotEqual(Network(sparse: false).ContentHash, network.ContentHash);
        Assert.Equal(inlineLimit == 1 ? 1 : 0, Directory.GetFiles(directory.Path, "net.0.*.mask").Length);
    }

    private static NetworkSpec WithConnections(NetworkSpec network, Func<int, bool> connected)
    {
        var projection = network.Projections[0];
        var connections = Enumerable.Range(0, projection.Weights.Length).Select(connected).ToArray();
        var weights = projection.Weights.Select((w, i) => connections[i] ? w : 0f).ToArray();
        return new NetworkSpec(network.Name, network.Populations,
            [new Projection(projection.Name, projection.From, projection.To, weights, connections: connections)]);
    }

    [Fact]
    public void A_mask_sidecar_is_bound_to_its_network_file_by_hash_and_a_resave_removes_the_old_one()
    {
        using var directory = new TempDirectory();
        var path = directory.File("net.json");
        NetworkFile.Save(Network(sparse: true), path, inlineLimit: 1);
        var first = Assert.Single(Directory.GetFiles(directory.Path, "net.0.*.mask"));
        Assert.Contains(first, NetworkFile.FilesOf(path));

        // Another network's mask put in its place: the network file names the hash of its own.
        using (var other = new TempDirectory())
        {
            NetworkFile.Save(WithConnections(Network(sparse: true), i => i % 2 == 0), other.File("net.json"), inlineLimit: 1);
            File.Copy(Assert.Single(Directory.GetFiles(other.Path, "net.0.*.mask")), first, overwrite: true);
        }

        var error = Assert.Throws<InvalidInputException>(() => NetworkFile.Load(path));
        Assert.Contains("$.projections[0].connections.sha256", error.Message, StringComparison.Ordinal);
        Assert.Contains("do not belong together", error.Message, StringComparison.Ordinal);

        // Saving other connections writes a new mask and removes the one the previous file named.
        var changed = WithConnections(Network(sparse: true), i => i < 4);
        NetworkFile.Save(changed, path, inlineLimit: 1);
        var second = Assert.Single(Directory.GetFiles(directory.Path, "net.0.*.mask"));
        Assert.NotEqual(first, second);
        Assert.Equal(changed.ContentHash, NetworkFile.Load(path).ContentHash);
    }

    [Fact]
    public void A_sweep_ships_a_network_with_its_mask_sidecar()
    {
        using var directory = new TempDirectory();
        var path = directory.File("net.json");
        NetworkFile.Save(Network(sparse: true), path, inlineLimit: 1);
        var bundle = new LocalInputs().Network(path);
        Assert.Contains(bundle.Files, f => f.Path.EndsWith(".mask", StringComparison.Ordinal));
        Assert.Contains(bundle.Files, f => f.Path.EndsWith(".f32", StringComparison.Ordinal));
    }

    [Fact]
    public void A_weight_where_there_is_no_synapse_is_bad_input_naming_the_place()
    {
        using var directory = new TempDirectory();
        NetworkFile.Save(Network(sparse: true), directory.File("net.json"));
        var text = File.ReadAllText(directory.File("net.json")).Replace("[0, 0],\n        [0, 2]", "[0, 0],\n        [5, 2]", StringComparison.Ordinal);
        File.WriteAllText(directory.File("bad.json"), text);
        var error = Assert.Throws<InvalidInputException>(() => NetworkFile.Load(directory.File("bad.json")));
        Assert.Contains("$.projections[0].weights", error.Message, StringComparison.Ordinal);
        Assert.Contains("no synapse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mapped_tables_hold_only_the_connections_and_send_only_where_they_lead()
    {
        var chip = ChipLoader.Load("tiny");
        var sparse = new Mapper().Map(Network(sparse: true), chip, "test");
        var dense = new Mapper().Map(Network(sparse: false), chip, "test");
        Assert.Equal(3, sparse.SynapseCount);
        Assert.Equal(8, dense.SynapseCount);
        // in.0: one message (to the first core, 2 synapses); in.1: one message (to the second core, 1 synapse).
        Assert.Equal(2, sparse.MessageCount);
        Assert.Equal(4, dense.MessageCount);
    }

    /// <summary>
    /// Sparse projections with the prototype-aware partitioner and mesh-ordered messages: eight distinct thresholds on
    /// tiny (4 prototypes per core) are spread over two cores, or pinned so that the logical cores run against mesh
    /// order. The tables hold exactly the connections, every synapse sits on its message's destination core, and the
    /// run spikes as the same weights held densely, with one synaptic op per connection reached.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sparse_projections_map_with_prototype_spread_and_pins_and_spike_as_their_dense_twin(bool pinned)
    {
        const int inputs = 6, size = 8;
        var random = new Random(11);
        var weights = new float[size * inputs];
        var connections = new bool[size * inputs];
        for (var i = 0; i < weights.Length; i++)
        {
            connections[i] = random.NextDouble() < 0.4;
            weights[i] = connections[i] ? (float)Math.Round(random.NextDouble() * 1.5, 2) : 0f;
        }

        NetworkSpec Build(bool sparse)
        {
            var input = new Population("in", inputs, NeuronModel.Input);
            var lif = new CubaLifParameters(PerNeuron.Scalar(2), null, PerNeuron.Of([1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75]), PerNeuron.Scalar(0),
                ResetMode.Zero, PerNeuron.Scalar(0));
            // Pinned: the first four on tile (1, 1), the last four on tile (0, 0), so logical core 0 comes after core 1 in mesh order.
            PlacementPin[] placement = pinned ? [new PlacementPin(1, 1, 0, 0, 4), new PlacementPin(0, 0, 0, 4, 4)] : [];
            var hidden = new Population("h", size, NeuronModel.CubaLif, lif, placement: placement);
            return new NetworkSpec(sparse ? "sparse" : "dense", [input, hidden],
                [new Projection("in->h", input, hidden, (float[])weights.Clone(), connections: sparse ? connections : null)], new Readout("h"));
        }

        var chip = ChipLoader.Load("tiny");
        var sparse = new Mapper().Map(Build(sparse: true), chip, "test");
        var dense = new Mapper().Map(Build(sparse: false), chip, "test");
        IndependentChecks.AssertWithinLimits(sparse);
        IndependentChecks.AssertNothingLost(sparse);
        Assert.Equal(connections.Count(c => c), sparse.SynapseCount);
        var hCores = sparse.Plan.Cores.Where(c => c.Slices.Any(x => x.Population == "h")).ToArray();
        Assert.Equal(2, hCores.Length);
        if (pinned)
        {
            Assert.Equal((1, 1), (hCores[0].TileX, hCores[0].TileY));
        }

        var events = Enumerable.Range(1, 30).SelectMany(step => Enumerable.Range(0, inputs).Where(i => (step * 7 + i * 3) % 5 < 2).Select(i => (step, i))).ToArray();
        InferenceResult Run(MappedNetwork mapped) => new Simulator().RunAsync(ChipInstance.Create(mapped, 1, true), 1, _ => new EventInput(events),
            new RunOptions { Steps = 30, Ideal = true }).GetAwaiter().GetResult().Inferences[0];
        var (a, b) = (Run(sparse), Run(dense));
        Assert.Equal(b.OutputCounts, a.OutputCounts);
        Assert.True(a.OutputCounts.Sum() > 0);
        var reached = events.Sum(e => Enumerable.Range(0, size).Count(post => connections[post * inputs + e.i]));
        Assert.Equal(reached, a.Totals.SynapticOps);
        Assert.Equal((long)events.Length * size, b.Totals.SynapticOps);
    }
}

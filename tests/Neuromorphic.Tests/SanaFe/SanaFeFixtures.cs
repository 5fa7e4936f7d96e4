using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.SanaFe;

/// <summary>
/// Files in SANA-FE's formats that we wrote (SANA-FE's own files are GPL and stay out of the
/// repository). The expected figures are derived by hand from SANA-FE's accounting rules
/// (chip-models/README.md, "SANA-FE files"; src/Neuromorphic.Chip/README.md).
/// </summary>
internal static class SanaFeFixtures
{
    /// <summary>Two tiles of one core each, round costs, a dendrite cost to fold and a sync table.</summary>
    public const string MiniArch = """
# A two-tile test architecture with round costs (written for the Neuromorphic tests).
architecture:
  name: mini
  attributes: {width: 2, height: 1, link_buffer_size: 4, sync_model: table, latency_sync: {1: 100.0e-9, 2: 200.0e-9}}
  tile:
    - name: t[0..1]
      attributes:
        energy_north_hop: 1.0e-12
        latency_north_hop: 1.0e-9
        energy_east_hop: 2.0e-12
        latency_east_hop: 3.0e-9
        energy_south_hop: 1.0e-12
        latency_south_hop: 1.0e-9
        energy_west_hop: 1.5e-12
        latency_west_hop: 2.0e-9
      core:
        - name: c
          attributes: {buffer_position: soma, max_neurons_supported: 4}
          axon_in:
            - name: ain
              attributes: {energy_message_in: 1.0e-12, latency_message_in: 2.0e-9}
          synapse:
            - name: syn
              attributes: {model: current_based, energy_process_spike: 5.0e-12, latency_process_spike: 4.0e-9}
          dendrite:
            - name: den
              attributes: {model: accumulator, energy_update: 0.5e-12, latency_update: 1.0e-9}
          soma:
            - name: lif
              attributes:
                model: leaky_integrate_fire
                energy_access_neuron: 3.0e-12
                latency_access_neuron: 1.0e-9
                energy_update_neuron: 2.0e-12
                latency_update_neuron: 2.0e-9
                energy_spike_out: 7.0e-12
                latency_spike_out: 3.0e-9
            - name: gen[0..3]
              attributes:
                model: input
                energy_access_neuron: 0.0
                latency_access_neuron: 0.0
                energy_update_neuron: 0.0
                latency_update_neuron: 0.0
                energy_spike_out: 0.0
                latency_spike_out: 0.0
          axon_out:
            - name: aout
              attributes: {energy_message_out: 10.0e-12, latency_message_out: 6.0e-9}
""";

    /// <summary>
    /// Two input neurons (spike lists), two hidden neurons on tile 1, one output on tile 0 beside the inputs.
    /// in.0 fires at step 1, in.1 at step 2; hid fires at steps 2 and 3; out at 3 and 4.
    /// </summary>
    public const string ChainSnn = """
network:
  name: chain
  groups:
    - name: in
      neurons:
        - 0: {spikes: [1, 0, 0]}
        - 1: {spikes: [0, 1, 0]}
    - name: hid
      attributes: {threshold: 0.5, reset_mode: hard}
      neurons:
        - 0..1
    - name: out
      attributes: [threshold: 1.5, log_spikes: true]
      neurons:
        - 0
  edges:
    - in -> hid:
        type: dense
        weight: [1, 1, 1, 1]
    - hid -> out:
        type: dense
        weight: [1, 1]
mappings:
  - in.0: {core: 0.0, soma: "gen[0]"}
  - in.1: {core: 0.0, soma: "gen[1]"}
  - out: {core: 0.0}
  - hid: {core: 1.0}
""";

    public static (string Arch, string Snn) Write(TempDirectory directory, string arch = MiniArch, string snn = ChainSnn)
    {
        File.WriteAllText(directory.File("arch.yaml"), arch);
        File.WriteAllText(directory.File("snn.yaml"), snn);
        return (directory.File("arch.yaml"), directory.File("snn.yaml"));
    }
}

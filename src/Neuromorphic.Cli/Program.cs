using Neuromorphic.Cli.Hosting;

return await NeuroApp.RunAsync(args, Console.Out, Console.Error);

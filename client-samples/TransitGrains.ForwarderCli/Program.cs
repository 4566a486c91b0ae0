// A forwarder's command line for TransitGrains: book shipments, look at them, follow them to the end.
// Copy this folder and adapt it; it talks to the public HTTP API only (see shared/api.md).
return await TransitGrains.ForwarderCli.ForwarderCommands.Build().Parse(args).InvokeAsync();

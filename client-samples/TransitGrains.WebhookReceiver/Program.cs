// A forwarder's receiver for TransitGrains' webhook notifications (Standard Webhooks v1): checks each signature and its
// timestamp, handles each notification once (delivery is at least once: a repeat is acknowledged, not handled again) and
// prints it. Copy this folder and replace NotificationPrinter with what your own systems do with a notification.
await TransitGrains.WebhookReceiver.ReceiverApp.Build(args, Console.Out).RunAsync();

"""The Asterisk edge: AMI client, event translation, state pusher, dialplan generator."""

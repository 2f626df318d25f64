#pragma once
// Every message type that crosses an actor boundary, declared once.

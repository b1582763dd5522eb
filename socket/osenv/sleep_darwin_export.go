//go:build darwin && cgo

package osenv

// #include <stdint.h>
import "C"

import "runtime/cgo"

//export osenvPowerEvent
func osenvPowerEvent(handle C.uintptr_t, typ C.uint) {
	cgo.Handle(handle).Value().(*darwinPower).powerEvent(uint32(typ))
}

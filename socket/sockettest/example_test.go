package sockettest_test

import (
	"fmt"
	"strings"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// A server with a Token accepts the order WarpKit's SocketClient writes in:
// the room joins first, the auth frame after them. The joins are held and
// take effect with the authentication.
func ExampleOptions_token() {
	srv, err := sockettest.NewServer(sockettest.Options{Token: "secret"})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	ws, _, err := websocket.DefaultDialer.Dial(srv.URL(), nil)
	if err != nil {
		panic(err)
	}
	defer ws.Close()
	for _, f := range []string{
		`{"type":"room.join","room":"ops"}`,
		`{"type":"auth","token":"secret"}`,
		"2", // a ping: its pong proves the frames before it were handled
	} {
		_ = ws.WriteMessage(websocket.TextMessage, []byte(f))
	}
	_, pong, _ := ws.ReadMessage()
	fmt.Println(string(pong), srv.Rooms(srv.ConnIDs()[0]))

	// A browser, which cannot set headers, puts the token in the URL.
	browser, _, err := websocket.DefaultDialer.Dial(srv.URL()+"?token=secret", nil)
	if err != nil {
		panic(err)
	}
	defer browser.Close()
	_ = browser.WriteMessage(websocket.TextMessage, []byte("2"))
	_, _, _ = browser.ReadMessage() // the pong: the server has it now
	_ = srv.Broadcast("", "hello", "everyone")
	_, msg, _ := browser.ReadMessage()
	fmt.Println(strings.Contains(string(msg), `"name":"hello"`))
	// Output:
	// 3 [ops]
	// true
}
